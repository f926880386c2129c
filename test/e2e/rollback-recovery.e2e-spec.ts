import { PromotionReconciler } from '../../src/promotions/promotion-reconciler';
import { FakeMlflow } from '../fakes/mlflow';
import { promote, projectYaml, putProject } from '../helpers/promotions';
import { TestApp, expectError, startTestApp } from '../helpers/test-app';
import { withDatabase } from '../helpers/test-database';

describe('rollback, idempotent replay, crash recovery, aliases', () => {
  let mlflow: FakeMlflow;
  let t: TestApp;
  let alice: string;
  const stageOf = (model: string, v: number) => mlflow.state.registry.version(model, v).currentStage;

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    mlflow.seed.recsysScenario('versions');
    for (let i = 0; i < 3; i++) mlflow.seed.modelVersion({ name: 'aliased' });
    for (let i = 0; i < 2; i++) mlflow.seed.modelVersion({ name: 'crashy', stage: 'Staging' });
    for (let i = 0; i < 3; i++) mlflow.seed.modelVersion({ name: 'layered' });
    mlflow.seed.modelVersion({ name: 'refused-alias' });
    t = await startTestApp({ env: { MLFLOW_TRACKING_URI: mlflow.url } });
    alice = await t.createKey('alice', ['promoter']);
    await putProject(t, 'mirrored', `${projectYaml('mirrored', 'aliased')}\n`.replace('model: { name: aliased }', 'model: { name: aliased, aliases: true }'));
    await putProject(t, 'layered', projectYaml('layered', 'layered').replace('model: { name: layered }', 'model: { name: layered, aliases: true }'));
    await putProject(t, 'refused-alias', projectYaml('refused-alias', 'refused-alias').replace('model: { name: refused-alias }', 'model: { name: refused-alias, aliases: true }'));
  });
  afterAll(async () => {
    await t.close();
    await mlflow.stop();
  });

  it('rolls recsys back from v2 to v1, archiving v2, audited as rollback', async () => {
    for (const v of [1, 2]) {
      await promote(t, alice, 'recsys', v, 'Staging');
      await promote(t, alice, 'recsys', v, 'Production');
    }
    expect([stageOf('recsys', 1), stageOf('recsys', 2)]).toEqual(['Archived', 'Production']);
    const res = await t.request('POST', '/models/recsys/rollback', { key: alice, body: { reason: 'v2 hurts conversion' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ kind: 'rollback', version: '1', from_stage: 'Archived', to_stage: 'Production', status: 'completed', archived_versions: ['2'] });
    expect([stageOf('recsys', 1), stageOf('recsys', 2)]).toEqual(['Production', 'Archived']);
    const audit = (await t.request('GET', '/audit', { query: { model: 'recsys', action: 'rollback' } })).body.items;
    expect(audit).toEqual([expect.objectContaining({ version: '1', actor: 'alice', reason: 'v2 hurts conversion' })]);
  });

  it('answers 409 NOTHING_TO_ROLL_BACK without a Production version or a record of the one before', async () => {
    mlflow.seed.modelVersion({ name: 'unreleased', stage: 'Staging' });
    expectError(await t.request('POST', '/models/unreleased/rollback', { key: alice, body: { reason: 'why not' } }), 409, 'NOTHING_TO_ROLL_BACK');
    for (const stage of ['Staging', 'Production'] as const) mlflow.seed.modelVersion({ name: 'first-release', stage });
    expectError(await t.request('POST', '/models/first-release/rollback', { key: alice, body: { reason: 'why not' } }), 409, 'NOTHING_TO_ROLL_BACK');
  });

  it('replays an idempotent promote with the identical answer, and MLflow sees one transition', async () => {
    mlflow.clearRequests();
    const headers = { 'idempotency-key': 'ci-run-77' };
    const first = await promote(t, alice, 'recsys', 3, 'Staging', {}, headers);
    const second = await promote(t, alice, 'recsys', 3, 'Staging', {}, headers);
    expect(second.status).toBe(first.status);
    expect(second.text).toBe(first.text);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(mlflow.requestsTo('model-versions/transition-stage')).toHaveLength(1);
    expectError(await promote(t, alice, 'recsys', 3, 'Production', {}, headers), 422, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('settles promotions a crash left applying: completed if MLflow has the stage, failed if not', async () => {
    const insert = (version: string) =>
      withDatabase(t.databaseUrl, async (db) =>
        (
          await db.query(
            `INSERT INTO promotions (model, version, from_stage, to_stage, status, requested_by, reason, verdict)
             VALUES ('crashy', $1, 'Staging', 'Production', 'applying', 'alice', 'crashed mid-way', '{"allowed":true,"approvals_required":0,"rules":[]}')
             RETURNING id`,
            [version],
          )
        ).rows[0].id as string,
      );
    const reached = await insert('1');
    mlflow.state.registry.transition('crashy', 1, 'Production', true); // MLflow applied it; the answer was lost
    const lost = await insert('2');
    expect(await t.app.get(PromotionReconciler).reconcile()).toBe(2);
    expect((await t.request('GET', `/promotions/${reached}`)).body.status).toBe('completed');
    expect((await t.request('GET', `/promotions/${lost}`)).body).toMatchObject({ status: 'failed', failure: expect.stringContaining('reconciled') });
    const actions = (await t.request('GET', '/audit', { query: { model: 'crashy' } })).body.items.map((e: { action: string }) => e.action);
    expect(actions.sort()).toEqual(['promotion.completed', 'promotion.failed']);
    expect(await t.app.get(PromotionReconciler).reconcile()).toBe(0);
  });

  it('mirrors stages to the staging/production aliases when the project asks, and a rollback moves them back', async () => {
    const aliases = () => Object.fromEntries(mlflow.state.registry.model('aliased').aliases);
    await promote(t, alice, 'aliased', 1, 'Staging');
    expect(aliases()).toEqual({ staging: 1 });
    await promote(t, alice, 'aliased', 1, 'Production');
    expect(aliases()).toEqual({ production: 1 });
    await promote(t, alice, 'aliased', 2, 'Staging');
    await promote(t, alice, 'aliased', 2, 'Production');
    expect(aliases()).toEqual({ production: 2 });
    await t.request('POST', '/models/aliased/rollback', { key: alice, body: { reason: 'back to v1' } });
    expect(aliases()).toEqual({ production: 1 });
  });

  it('retries an alias MLflow refused on the next reconciliation, without undoing the transition', async () => {
    mlflow.failWith(500, 'registered-models/alias');
    const res = await promote(t, alice, 'refused-alias', 1, 'Staging');
    expect(res.body.status).toBe('completed');
    expect(mlflow.state.registry.model('refused-alias').aliases.get('staging')).toBeUndefined();
    mlflow.clearFaults();
    await t.app.get(PromotionReconciler).reconcile();
    expect(mlflow.state.registry.model('refused-alias').aliases.get('staging')).toBe(1);
  });

  it('points the staging alias at the version just promoted, even below another one in Staging, and the reconciler keeps it', async () => {
    const aliases = () => Object.fromEntries(mlflow.state.registry.model('layered').aliases);
    await promote(t, alice, 'layered', 3, 'Staging');
    expect(aliases()).toEqual({ staging: 3 });
    await promote(t, alice, 'layered', 2, 'Staging');
    expect([stageOf('layered', 2), stageOf('layered', 3)]).toEqual(['Staging', 'Staging']);
    expect(aliases()).toEqual({ staging: 2 });
    await t.app.get(PromotionReconciler).reconcile();
    expect(aliases()).toEqual({ staging: 2 });
    // Once v2 leaves Staging, the alias falls back to the version MLflow lists there.
    await promote(t, alice, 'layered', 2, 'Production');
    expect(aliases()).toEqual({ staging: 3, production: 2 });
  });
});
