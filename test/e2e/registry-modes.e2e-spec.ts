import { DriftWatcher } from '../../src/registry-watch/drift-watcher';
import { FakeMlflow } from '../fakes/mlflow';
import { promote, projectYaml, putProject } from '../helpers/promotions';
import { MODE_CASES, ModeCase, modelSection, modelgateTags, registerWebhook, stageInMlflow } from '../helpers/registry-modes';
import { TestApp, expectError, startTestApp } from '../helpers/test-app';

const SECRET = 'whsec-registry-modes-0123456789';
const M3_SOURCE = 'models:/m-5b1d4c8a9e0f6b2d7c4a1e8f0f2a9c7e';

/**
 * The same promotion scenarios in both registry modes, on MLflow 2.9 and 3.x: what MLflow holds
 * after each change is read from the fake's own state (stages, or champion/challenger and the
 * modelgate.stage tag), and every change leaves provenance tags on the versions it moved.
 */
describe.each(MODE_CASES)('registry mode $mode on MLflow $personality', ({ mode, personality }: ModeCase) => {
  let mlflow: FakeMlflow;
  let t: TestApp;
  let alice: string;
  let bob: string;
  let carol: string;
  let ci: string;
  const stage = (model: string, v: number) => stageInMlflow(mlflow, mode, model, v);
  const tags = (model: string, v: number) => modelgateTags(mlflow, model, v);
  const project = (name: string, more = '') => putProject(t, name, projectYaml(name, name).replace(`model: { name: ${name} }`, modelSection(name, mode)) + more);
  const auditOf = async (promotionId: string, action: string) =>
    (await t.request('GET', '/audit', { query: { action } })).body.items.find((e: any) => e.details.promotion_id === promotionId);
  /** The provenance a change left, as the audit log records that change. */
  const provenanceOf = async (promotionId: string, action: string) => {
    const event = await auditOf(promotionId, action);
    return { 'modelgate.promotion_id': promotionId, 'modelgate.promoted_by': event.actor, 'modelgate.promoted_at': event.at, 'modelgate.audit_seq': String(event.seq) };
  };

  beforeAll(async () => {
    mlflow = await FakeMlflow.start({ version: personality });
    for (const model of ['flow', 'gated', 'back', 'shipped', 'plain', 'quiet', 'listed']) {
      for (let i = 0; i < 4; i++) mlflow.seed.modelVersion({ name: model, run: { metrics: { roc_auc: 0.9 } } });
    }
    mlflow.seed.modelVersion({ name: 'shipped', source: M3_SOURCE });
    t = await startTestApp({ listen: true, env: { MLFLOW_TRACKING_URI: mlflow.url, MLFLOW_WEBHOOK_SECRET: SECRET } });
    alice = await t.createKey('alice', ['promoter']);
    bob = await t.createKey('bob', ['approver']);
    carol = await t.createKey('carol', ['approver']);
    ci = await t.createKey('ci', ['ci']);
    for (const name of ['flow', 'back', 'shipped', 'plain', 'listed']) await project(name);
    await project('gated', '\npromotion:\n  Production: { approvals: 2 }');
    await putProject(t, 'quiet', projectYaml('quiet', 'quiet').replace('model: { name: quiet }', modelSection('quiet', mode, 'provenance_tags: false')));
    // On MLflow 3.3+, every write (modelgate's own tag and alias writes included) reaches modelgate's webhook receiver.
    if (mlflow.state.personality.webhooks) await registerWebhook(mlflow, `${t.baseUrl}/webhooks/mlflow`, SECRET);
  });
  afterAll(async () => {
    await t?.close();
    await mlflow?.stop();
  });

  it('promotes through Staging to Production; entering Production archives the previous one, listed and tagged', async () => {
    const steps: [number, string][] = [
      [1, 'Staging'],
      [1, 'Production'],
      [2, 'Staging'],
      [2, 'Production'],
    ];
    const answers = [];
    for (const [v, target] of steps) {
      const res = await promote(t, alice, 'flow', v, target);
      expect({ status: res.status, state: res.body.status }).toEqual({ status: 200, state: 'completed' });
      expect(stage('flow', v)).toBe(target);
      answers.push(res.body);
    }
    expect(answers.map((a) => a.archived_versions)).toEqual([[], [], [], ['1']]);
    expect([1, 2, 3].map((v) => stage('flow', v))).toEqual(['Archived', 'Production', 'None']);
    expect(mlflow.requestsTo('model-versions/transition-stage')).toHaveLength(mode === 'stages' ? 4 : 0);
    if (mode === 'aliases') expect(Object.fromEntries(mlflow.state.registry.model('flow').aliases)).toEqual({ champion: 2 });

    const last = answers[3];
    expect(tags('flow', 2)).toEqual({ ...(await provenanceOf(last.id, 'promotion.completed')), 'modelgate.stage': 'Production' });
    // The archive is part of the change that made it: same promotion, actor, time and audit event.
    expect(tags('flow', 1)).toEqual({ ...(await provenanceOf(last.id, 'promotion.completed')), 'modelgate.stage': 'Archived' });
    expect(tags('flow', 3)).toEqual({});
  });

  it('reads each version in the stage its project gives it: versions, their stage filter, one version, latest per stage', async () => {
    for (const [v, target] of [[1, 'Staging'], [1, 'Production'], [2, 'Staging'], [2, 'Production'], [3, 'Staging']] as const) {
      expect((await promote(t, alice, 'listed', v, target)).body.status).toBe('completed');
    }
    const held = { '1': 'Archived', '2': 'Production', '3': 'Staging', '4': 'None' };
    const stages = (items: { version: string; stage: string }[]) => Object.fromEntries(items.map((v) => [v.version, v.stage]));
    expect(stages((await t.request('GET', '/models/listed/versions')).body.items)).toEqual(held);
    for (const [version, stage] of Object.entries(held)) {
      expect((await t.request('GET', '/models/listed/versions', { query: { stage } })).body.items.map((v: { version: string }) => v.version)).toEqual([version]);
      expect((await t.request('GET', `/models/listed/versions/${version}`)).body.stage).toBe(stage);
    }
    const latest = { '2': 'Production', '3': 'Staging', '4': 'None', '1': 'Archived' };
    expect(stages((await t.request('GET', '/models/listed')).body.latest_versions)).toEqual(latest);
    const listed = (await t.request('GET', '/models', { query: { filter: "name = 'listed'" } })).body.items;
    expect(stages(listed[0].latest_versions)).toEqual(latest);
  });

  it('entering Staging archives the previous Staging version in aliases mode only (a stage there is one alias)', async () => {
    await promote(t, alice, 'plain', 1, 'Staging');
    const second = await promote(t, alice, 'plain', 2, 'Staging');
    expect(second.body).toMatchObject({ status: 'completed', archived_versions: mode === 'aliases' ? ['1'] : [] });
    expect([stage('plain', 1), stage('plain', 2)]).toEqual([mode === 'aliases' ? 'Archived' : 'Staging', 'Staging']);
    const archived = await t.request('GET', '/audit', { query: { model: 'plain', action: 'promotion.completed' } });
    expect(archived.body.items[0].details.archived_versions).toEqual(mode === 'aliases' ? ['1'] : []);
  });

  it('applies a Production promotion at its second approval; a rejected candidate is archived, tagged with who rejected it', async () => {
    await promote(t, alice, 'gated', 1, 'Staging');
    const requested = await promote(t, alice, 'gated', 1, 'Production');
    expect(requested.status).toBe(202);
    expect((await t.request('POST', `/promotions/${requested.body.id}/approve`, { key: bob, body: {} })).status).toBe(202);
    expect(stage('gated', 1)).toBe('Staging');
    const applied = await t.request('POST', `/promotions/${requested.body.id}/approve`, { key: carol, body: {} });
    expect(applied.body).toMatchObject({ status: 'completed' });
    expect(stage('gated', 1)).toBe('Production');
    expect(tags('gated', 1)).toMatchObject({ 'modelgate.promotion_id': requested.body.id, 'modelgate.promoted_by': 'alice', 'modelgate.stage': 'Production' });

    await promote(t, alice, 'gated', 2, 'Staging');
    const candidate = await promote(t, alice, 'gated', 2, 'Production');
    const rejected = await t.request('POST', `/promotions/${candidate.body.id}/reject`, { key: bob, body: { comment: 'worse on holdout' } });
    expect(rejected.body).toMatchObject({ status: 'rejected', archived_versions: ['2'] });
    expect([stage('gated', 1), stage('gated', 2)]).toEqual(['Production', 'Archived']);
    if (mode === 'aliases') expect(Object.fromEntries(mlflow.state.registry.model('gated').aliases)).toEqual({ champion: 1 });
    expect(tags('gated', 2)).toEqual({ ...(await provenanceOf(candidate.body.id, 'promotion.rejected')), 'modelgate.stage': 'Archived' });
    expect(tags('gated', 2)['modelgate.promoted_by']).toBe('bob');
  });

  it('rolls back: the previous Production version returns, the current one is archived, both tagged with the rollback', async () => {
    for (const v of [1, 2]) {
      await promote(t, alice, 'back', v, 'Staging');
      await promote(t, alice, 'back', v, 'Production');
    }
    const res = await t.request('POST', '/models/back/rollback', { key: alice, body: { reason: 'v2 hurts conversion' } });
    expect(res.body).toMatchObject({ kind: 'rollback', version: '1', from_stage: 'Archived', to_stage: 'Production', status: 'completed', archived_versions: ['2'] });
    expect([stage('back', 1), stage('back', 2)]).toEqual(['Production', 'Archived']);
    const provenance = await provenanceOf(res.body.id, 'rollback');
    expect(tags('back', 1)).toEqual({ ...provenance, 'modelgate.stage': 'Production' });
    expect(tags('back', 2)).toEqual({ ...provenance, 'modelgate.stage': 'Archived' });
  });

  it("answers the gate with the stage's model URI and the version's, passing MLflow 3's models:/m-… source through", async () => {
    const gate = (body: Record<string, unknown>) => t.request('POST', '/deploy-gate', { key: ci, body: { project: 'shipped', ...body } });
    expectError(await gate({ env: 'prd' }), 409, 'DEPLOY_DENIED');
    expect((await gate({ env: 'prd' })).body.reasons).toEqual(['no version of model shipped is in Production']);
    for (const [v, target] of [[5, 'Staging'], [5, 'Production'], [2, 'Staging']] as const) await promote(t, alice, 'shipped', v, target);

    const prd = await gate({ env: 'prd' });
    expect(prd.body).toMatchObject({
      allowed: true,
      version: '5',
      stage: 'Production',
      source: M3_SOURCE,
      model_uri: mode === 'aliases' ? 'models:/shipped@champion' : 'models:/shipped/Production',
      version_uri: 'models:/shipped/5',
    });
    const staged = await gate({ env: 'dev', version: 2 });
    expect(staged.body).toMatchObject({ version: '2', stage: 'Staging', model_uri: mode === 'aliases' ? 'models:/shipped@challenger' : 'models:/shipped/Staging', version_uri: 'models:/shipped/2' });
    expectError(await gate({ env: 'prd', version: 2 }), 409, 'DEPLOY_DENIED');
  });

  it('writes no provenance tags with model.provenance_tags: false (aliases mode keeps modelgate.stage: it is the state)', async () => {
    await promote(t, alice, 'quiet', 1, 'Staging');
    await promote(t, alice, 'quiet', 1, 'Production');
    expect(stage('quiet', 1)).toBe('Production');
    expect(tags('quiet', 1)).toEqual(mode === 'aliases' ? { 'modelgate.stage': 'Production' } : {});
  });

  it("reports no drift for modelgate's own writes, even as MLflow 3 announces each of them to its webhook", async () => {
    const projects = ['flow', 'gated', 'back', 'shipped', 'plain', 'quiet'];
    await mlflow.webhooks.settled();
    const ownTagWrites = mlflow.webhooks.deliveries.filter((d) => d.event === 'model_version_tag.set' && d.status === 200 && JSON.parse(d.body).data.key.startsWith('modelgate.'));
    expect(ownTagWrites.length > 0).toBe(mlflow.state.personality.webhooks);
    // Past the receiver's debounce: the checks the deliveries asked for are queued before these.
    await new Promise((r) => setTimeout(r, 400));
    for (const name of projects) expect(await t.app.get(DriftWatcher).checkModel(name)).toMatchObject({ outcome: 'checked', detected: 0 });
    for (const name of projects) expect((await t.request('GET', '/drift', { query: { project: name } })).body.items).toEqual([]);
    expect((await t.request('GET', '/audit', { query: { action: 'registry.drift_detected' } })).body.items).toEqual([]);
  });
});
