import { FakeMlflow } from '../fakes/mlflow';
import { promote, projectYaml, putProject } from '../helpers/promotions';
import { TestApp, expectError, startTestApp } from '../helpers/test-app';

describe('GET /promotions filters', () => {
  let mlflow: FakeMlflow;
  let t: TestApp;
  let alice: string;
  let dave: string;
  let bob: string;
  let carol: string;
  let reader: string;
  const ids: Record<string, string> = {};

  const list = async (query: Record<string, string>, key?: string): Promise<string[]> => {
    const res = await t.request('GET', '/promotions', { key, query });
    expect(res.status).toBe(200);
    return res.body.items.map((p: { id: string }) => Object.keys(ids).find((name) => ids[name] === p.id) ?? p.id).sort();
  };

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    for (let i = 0; i < 2; i++) mlflow.seed.modelVersion({ name: 'alpha', stage: 'Staging' });
    mlflow.seed.modelVersion({ name: 'beta' });
    t = await startTestApp({ env: { MLFLOW_TRACKING_URI: mlflow.url } });
    alice = await t.createKey('alice', ['promoter']);
    dave = await t.createKey('dave', ['promoter', 'approver']);
    bob = await t.createKey('bob', ['approver']);
    carol = await t.createKey('carol', ['approver']);
    reader = await t.createKey('auditor', ['reader']);
    await putProject(t, 'alpha-project', projectYaml('alpha-project', 'alpha', 'promotion:\n  Production: { approvals: 2 }'));
    ids.alice_alpha = (await promote(t, alice, 'alpha', 1, 'Production')).body.id;
    ids.dave_alpha = (await promote(t, dave, 'alpha', 2, 'Production')).body.id;
    ids.alice_beta = (await promote(t, alice, 'beta', 1, 'Staging')).body.id;
  });
  afterAll(async () => {
    await t.close();
    await mlflow.stop();
  });

  it('filters by project and by requester', async () => {
    expect(await list({ project: 'alpha-project' })).toEqual(['alice_alpha', 'dave_alpha']);
    expect(await list({ requested_by: 'alice' })).toEqual(['alice_alpha', 'alice_beta']);
    expect(await list({ requested_by: 'alice', project: 'alpha-project' })).toEqual(['alice_alpha']);
    expect(await list({ project: 'nobody-claims-this' })).toEqual([]);
  });

  it('awaiting=me lists what the caller may still decide: pending, not their own, not yet voted on', async () => {
    expect(await list({ awaiting: 'me' }, bob)).toEqual(['alice_alpha', 'dave_alpha']);
    expect(await list({ awaiting: 'me', status: 'pending_approval' }, dave)).toEqual(['alice_alpha']);

    expect((await t.request('POST', `/promotions/${ids.alice_alpha}/approve`, { key: bob, body: {} })).status).toBe(202);
    expect(await list({ awaiting: 'me' }, bob)).toEqual(['dave_alpha']);
    expect(await list({ awaiting: 'me' }, carol)).toEqual(['alice_alpha', 'dave_alpha']);
    expect(await list({ awaiting: 'me', project: 'alpha-project', requested_by: 'dave' }, carol)).toEqual(['dave_alpha']);
  });

  it('awaiting=me is empty for keys that cannot approve, and refuses anything but me', async () => {
    expect(await list({ awaiting: 'me' }, reader)).toEqual([]);
    expect(await list({ awaiting: 'me' }, alice)).toEqual([]);
    expectError(await t.request('GET', '/promotions', { query: { awaiting: 'bob' } }), 400, 'VALIDATION_FAILED');
  });
});
