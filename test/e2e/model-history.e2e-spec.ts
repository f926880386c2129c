import { FakeMlflow } from '../fakes/mlflow';
import { promote } from '../helpers/promotions';
import { TestApp, expectError, startTestApp } from '../helpers/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('GET /models/:name/history: stages over time, from the audit log', () => {
  let mlflow: FakeMlflow;
  let t: TestApp;
  let alice: string;
  let reader: string;
  /** Instants between the steps: before anything, then after each one. */
  const instants: Date[] = [];
  /** The `at` of each completed move's audit event, oldest first. */
  let moved: string[];
  const mark = async () => {
    await sleep(5);
    instants.push(new Date());
    await sleep(5);
  };
  const stagesAt = async (at: Date) => {
    const res = await t.request('GET', '/models/recsys/history', { key: reader, query: { at: at.toISOString() } });
    expect(res.status).toBe(200);
    expect(res.body.at).toBe(at.toISOString());
    return res.body.stages;
  };

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    mlflow.seed.recsysScenario('versions');
    t = await startTestApp({ env: { MLFLOW_TRACKING_URI: mlflow.url } });
    alice = await t.createKey('alice', ['promoter']);
    reader = await t.createKey('auditor', ['reader']);
    await mark();
    for (const [version, stage] of [[1, 'Staging'], [1, 'Production'], [2, 'Staging'], [2, 'Production']] as const) {
      expect((await promote(t, alice, 'recsys', version, stage)).body.status).toBe('completed');
      await mark();
    }
    expect((await t.request('POST', '/models/recsys/rollback', { key: alice, body: { reason: 'v2 hurts conversion' } })).body.status).toBe('completed');
    await mark();
    const audit = await t.request('GET', '/audit', { query: { model: 'recsys' } });
    moved = (audit.body.items as { action: string; at: string }[]).filter((e) => ['promotion.completed', 'rollback'].includes(e.action)).map((e) => e.at).reverse();
    expect(moved).toHaveLength(5);
  });
  afterAll(async () => {
    await t.close();
    await mlflow.stop();
  });

  it('answers which version held each stage at several instants, and since when', async () => {
    const [v1Staging, v1Production, v2Staging, v2Production, rollback] = moved;
    expect(await stagesAt(instants[0])).toEqual({ Staging: [], Production: [], Archived: [] });
    expect(await stagesAt(instants[1])).toEqual({ Staging: [{ version: '1', since: v1Staging }], Production: [], Archived: [] });
    expect(await stagesAt(instants[2])).toEqual({ Staging: [], Production: [{ version: '1', since: v1Production }], Archived: [] });
    expect(await stagesAt(instants[3])).toEqual({ Staging: [{ version: '2', since: v2Staging }], Production: [{ version: '1', since: v1Production }], Archived: [] });
    expect(await stagesAt(instants[4])).toEqual({ Staging: [], Production: [{ version: '2', since: v2Production }], Archived: [{ version: '1', since: v2Production }] });
    expect(await stagesAt(instants[5])).toEqual({ Staging: [], Production: [{ version: '1', since: rollback }], Archived: [{ version: '2', since: rollback }] });
  });

  it('counts the event at exactly the asked instant', async () => {
    expect((await stagesAt(new Date(moved[1]))).Production).toEqual([{ version: '1', since: moved[1] }]);
    expect((await stagesAt(new Date(Date.parse(moved[1]) - 1))).Production).toEqual([]);
  });

  it('lists every stage change newest first, archived versions included, with who and why', async () => {
    const res = await t.request('GET', '/models/recsys/history', { key: reader });
    expect(res.status).toBe(200);
    expect(res.body.next_page_token).toBeUndefined();
    const items = res.body.items as Record<string, unknown>[];
    expect(items.map((i) => [i.action, i.version, i.from_stage, i.to_stage])).toEqual([
      ['rollback', '1', 'Archived', 'Production'],
      ['rollback', '2', 'Production', 'Archived'],
      ['promotion.completed', '2', 'Staging', 'Production'],
      ['promotion.completed', '1', 'Production', 'Archived'],
      ['promotion.completed', '2', 'None', 'Staging'],
      ['promotion.completed', '1', 'Staging', 'Production'],
      ['promotion.completed', '1', 'None', 'Staging'],
    ]);
    expect(items[0]).toEqual({ seq: expect.any(Number), at: moved[4], actor: 'alice', action: 'rollback', version: '1', from_stage: 'Archived', to_stage: 'Production', reason: 'v2 hurts conversion' });
    expect(items[1].seq).toBe(items[0].seq);
    expect(items.every((i) => i.actor === 'alice')).toBe(true);
  });

  it.each([1, 2, 3])('pages it %i at a time, splitting an event’s changes across pages without losing or repeating one', async (size) => {
    const all = (await t.request('GET', '/models/recsys/history', { key: reader })).body.items;
    const paged: unknown[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await t.request('GET', '/models/recsys/history', { key: reader, query: { max_results: String(size), ...(token ? { page_token: token } : {}) } });
      expect(res.body.items.length).toBeLessThanOrEqual(size);
      paged.push(...res.body.items);
      token = res.body.next_page_token;
      pages += 1;
    } while (token);
    expect(paged).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / size));
  });

  it('answers an unknown model with empty stages and no changes, without asking MLflow', async () => {
    mlflow.clearRequests();
    expect((await t.request('GET', '/models/nope/history', { key: reader, query: { at: new Date().toISOString() } })).body).toEqual({
      at: expect.any(String),
      stages: { Staging: [], Production: [], Archived: [] },
    });
    expect((await t.request('GET', '/models/nope/history', { key: reader })).body).toEqual({ items: [] });
    expect(mlflow.requests).toEqual([]);
  });

  it('refuses a bad instant, paging with `at`, and a foreign page token with 400 VALIDATION_FAILED', async () => {
    for (const at of ['yesterday', '2026-13-01', '2026-12-01T10:00:00', '']) {
      const body = expectError(await t.request('GET', '/models/recsys/history', { key: reader, query: { at } }), 400, 'VALIDATION_FAILED');
      expect(JSON.stringify(body.details)).toContain('at');
    }
    expectError(await t.request('GET', '/models/recsys/history', { key: reader, query: { at: '2026-12-01', max_results: '5' } }), 400, 'VALIDATION_FAILED');
    expectError(await t.request('GET', '/models/recsys/history', { key: reader, query: { page_token: Buffer.from('{"before_seq":3}').toString('base64url') } }), 400, 'VALIDATION_FAILED');
  });

  it('needs a key with the reader role', async () => {
    expectError(await t.request('GET', '/models/recsys/history', { key: null }), 401, 'UNAUTHENTICATED');
  });
});
