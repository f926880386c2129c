import { PromotionReconciler } from '../../src/promotions/promotion-reconciler';
import { DriftWatcher } from '../../src/registry-watch/drift-watcher';
import { FakeMlflow, RecordedRequest } from '../fakes/mlflow';
import { promote, projectYaml, putProject } from '../helpers/promotions';
import { modelSection, modelgateTags, stageInMlflow } from '../helpers/registry-modes';
import { TestApp, expectError, startTestApp } from '../helpers/test-app';
import { withDatabase } from '../helpers/test-database';

const isStageTag = (r: RecordedRequest) => r.path.endsWith('/model-versions/set-tag') && (r.body as { key?: string })?.key === 'modelgate.stage';

/** Aliases mode alone: a move is several writes, and the alias is the one that moves the version. */
describe.each(['2.9.2', '3.11.2.dev0'])('aliases mode on MLflow %s: the writes of a move', (personality) => {
  let mlflow: FakeMlflow;
  let t: TestApp;
  let alice: string;
  const stage = (model: string, v: number) => stageInMlflow(mlflow, 'aliases', model, v);

  beforeAll(async () => {
    mlflow = await FakeMlflow.start({ version: personality });
    for (const model of ['ordered', 'flaky', 'unsure']) for (let i = 0; i < 3; i++) mlflow.seed.modelVersion({ name: model });
    t = await startTestApp({ env: { MLFLOW_TRACKING_URI: mlflow.url, DRIFT_CHECK_INTERVAL_S: '3600' } });
    alice = await t.createKey('alice', ['promoter']);
    for (const name of ['ordered', 'flaky', 'unsure']) await putProject(t, name, projectYaml(name, name).replace(`model: { name: ${name} }`, modelSection(name, 'aliases')));
  });
  afterAll(async () => {
    await t?.close();
    await mlflow?.stop();
  });
  afterEach(() => mlflow.clearFaults());

  it('moves Production with the champion alias first, then its tag, gives up the challenger alias, tags the previous champion Archived', async () => {
    for (const [v, target] of [[1, 'Staging'], [1, 'Production'], [2, 'Staging']] as const) await promote(t, alice, 'ordered', v, target);
    mlflow.clearRequests();
    expect((await promote(t, alice, 'ordered', 2, 'Production')).body).toMatchObject({ status: 'completed', archived_versions: ['1'] });
    const writes = mlflow.requests.filter((r) => r.method !== 'GET' && !r.path.endsWith('/get-latest-versions'));
    const state = writes.filter((w) => !w.path.endsWith('/set-tag') || (w.body as { key: string }).key === 'modelgate.stage');
    expect(state.map((w) => [w.method, w.path.replace('/api/2.0/mlflow/', ''), w.body])).toEqual([
      ['POST', 'registered-models/alias', { name: 'ordered', alias: 'champion', version: '2' }],
      ['POST', 'model-versions/set-tag', { name: 'ordered', version: '2', key: 'modelgate.stage', value: 'Production' }],
      ['DELETE', 'registered-models/alias', { name: 'ordered', alias: 'challenger' }],
      ['POST', 'model-versions/set-tag', { name: 'ordered', version: '1', key: 'modelgate.stage', value: 'Archived' }],
    ]);
    // The provenance tags come after the change is recorded, on both versions it moved.
    expect(writes.slice(state.length).map((w) => (w.body as { version: string }).version).sort()).toEqual([...Array(4).fill('1'), ...Array(4).fill('2')]);
    expect(mlflow.requestsTo('model-versions/transition-stage')).toEqual([]);
    expect(Object.fromEntries(mlflow.state.registry.model('ordered').aliases)).toEqual({ champion: 2 });
  });

  it('settles a modelgate.stage write MLflow failed by a re-read: the alias holds, so the move completes and the tag is written', async () => {
    mlflow.failNext(1, 500, 'model-versions/set-tag');
    const res = await promote(t, alice, 'flaky', 1, 'Staging');
    expect(res.body).toMatchObject({ status: 'completed' });
    expect(stage('flaky', 1)).toBe('Staging');
    expect(modelgateTags(mlflow, 'flaky', 1)['modelgate.stage']).toBe('Staging');
    expect(mlflow.requests.filter((r) => isStageTag(r) && (r.body as { name: string }).name === 'flaky')).toHaveLength(2);
  });

  it('leaves the move applying while modelgate.stage cannot be written, never drift, and the reconciler finishes it', async () => {
    mlflow.hold((r) => isStageTag(r) && (r.body as { name: string }).name === 'unsure').discard();
    const res = await promote(t, alice, 'unsure', 1, 'Staging');
    expectError(res, 503, 'MLFLOW_UNAVAILABLE');
    const [row] = await withDatabase(t.databaseUrl, async (db) => (await db.query(`SELECT id, status FROM promotions WHERE model = 'unsure'`)).rows);
    expect(row.status).toBe('applying');
    expect(mlflow.state.registry.model('unsure').aliases.get('challenger')).toBe(1);
    expect(await t.app.get(DriftWatcher).checkModel('unsure')).toMatchObject({ outcome: 'owed' });
    mlflow.clearFaults();
    expect(await t.app.get(PromotionReconciler).reconcile()).toBe(1);
    expect((await t.request('GET', `/promotions/${row.id}`)).body).toMatchObject({ status: 'completed' });
    expect(modelgateTags(mlflow, 'unsure', 1)).toMatchObject({ 'modelgate.stage': 'Staging', 'modelgate.promotion_id': row.id });
    expect(await t.app.get(DriftWatcher).checkModel('unsure')).toMatchObject({ outcome: 'checked', detected: 0 });
  });
});
