import { PromotionReconciler } from '../../src/promotions/promotion-reconciler';
import { DriftWatcher } from '../../src/registry-watch/drift-watcher';
import { FakeMlflow, RecordedRequest } from '../fakes/mlflow';
import { promote, projectYaml, putProject } from '../helpers/promotions';
import { MODE_CASES, ModeCase, applyBehind, modelSection, modelgateTags, moveProductionOutOfBand, registerWebhook, stageInMlflow } from '../helpers/registry-modes';
import { TestApp, startTestApp } from '../helpers/test-app';
import { withDatabase } from '../helpers/test-database';

const SECRET = 'whsec-registry-recovery-0123456789';

/** Crash recovery, drift and owed writes in both registry modes, on MLflow 2.9 and 3.x. */
describe.each(MODE_CASES)('registry mode $mode on MLflow $personality: recovery and drift', ({ mode, personality }: ModeCase) => {
  let mlflow: FakeMlflow;
  let t: TestApp;
  let alice: string;
  const stage = (model: string, v: number) => stageInMlflow(mlflow, mode, model, v);
  const tags = (model: string, v: number) => modelgateTags(mlflow, model, v);
  /**
   * Lets the drift checks MLflow 3's deliveries asked for (past the watcher's debounce) finish, so
   * none still queued reads MLflow after what the test does next.
   */
  const checksSettled = async () => {
    await mlflow.webhooks.settled();
    await new Promise((r) => setTimeout(r, 400));
    await t.app.get(DriftWatcher).checkModel('');
  };
  /** The reconciler skips a model whose lock is held. */
  const reconcile = async () => {
    await checksSettled();
    return t.app.get(PromotionReconciler).reconcile();
  };
  const project = (name: string, sections = '') => putProject(t, name, projectYaml(name, name, sections).replace(`model: { name: ${name} }`, modelSection(name, mode)));
  const drifts = async (name: string) =>
    (await t.request('GET', '/drift', { query: { project: name, status: 'open' } })).body.items.map((d: any) => [d.version, d.expected_stage, d.observed_stage, d.expected_aliases, d.observed_aliases]);
  /** A provenance tag write (in aliases mode modelgate.stage is state, written with the move). */
  const provenanceWrite = (r: RecordedRequest) => r.path.endsWith('/model-versions/set-tag') && (mode === 'stages' || (r.body as { key?: string })?.key !== 'modelgate.stage');

  beforeAll(async () => {
    mlflow = await FakeMlflow.start({ version: personality });
    for (const model of ['crashy', 'watched', 'guarded', 'tagless', 'tagged']) for (let i = 0; i < 3; i++) mlflow.seed.modelVersion({ name: model });
    t = await startTestApp({ listen: true, env: { MLFLOW_TRACKING_URI: mlflow.url, MLFLOW_WEBHOOK_SECRET: SECRET, DRIFT_CHECK_INTERVAL_S: '3600' } });
    alice = await t.createKey('alice', ['promoter']);
    for (const name of ['crashy', 'watched', 'tagless', 'tagged']) await project(name);
    await project('guarded', 'drift: { action: revert }');
    if (mlflow.state.personality.webhooks) await registerWebhook(mlflow, `${t.baseUrl}/webhooks/mlflow`, SECRET);
  });
  afterAll(async () => {
    await t?.close();
    await mlflow?.stop();
  });
  afterEach(() => mlflow.clearFaults());

  it('settles promotions a crash left applying: completed where MLflow got the move (what it still owed written), failed where not', async () => {
    for (const [v, target] of [[1, 'Staging'], [1, 'Production'], [2, 'Staging']] as const) await promote(t, alice, 'crashy', v, target);
    const insert = (version: number, from: string, to: string, archived: string[]) =>
      withDatabase(t.databaseUrl, async (db) =>
        (
          await db.query(
            `INSERT INTO promotions (model, version, project, from_stage, to_stage, status, requested_by, reason, verdict, archived_versions)
             VALUES ('crashy', $1, 'crashy', $2, $3, 'applying', 'alice', 'crashed mid-way', '{"allowed":true,"approvals_required":0,"rules":[]}', $4)
             RETURNING id`,
            [String(version), from, to, archived],
          )
        ).rows[0].id as string,
      );
    const reached = await insert(2, 'Staging', 'Production', ['1']);
    // The write that moves the version went through (aliases mode: only the alias); its answer was lost.
    applyBehind(mlflow, mode, 'crashy', 2, 'Production');
    const lost = await insert(3, 'None', 'Staging', []);
    expect(await reconcile()).toBe(2);

    expect((await t.request('GET', `/promotions/${reached}`)).body).toMatchObject({ status: 'completed', archived_versions: ['1'] });
    expect((await t.request('GET', `/promotions/${lost}`)).body).toMatchObject({ status: 'failed', failure: expect.stringContaining('reconciled') });
    expect([1, 2, 3].map((v) => stage('crashy', v))).toEqual(['Archived', 'Production', 'None']);
    expect(tags('crashy', 2)).toMatchObject({ 'modelgate.promotion_id': reached, 'modelgate.stage': 'Production' });
    expect(tags('crashy', 1)).toMatchObject({ 'modelgate.promotion_id': reached, 'modelgate.stage': 'Archived' });
    expect(await t.app.get(DriftWatcher).checkModel('crashy')).toMatchObject({ outcome: 'checked', detected: 0 });
    expect(await reconcile()).toBe(0);
  });

  it('keeps a promotion whose provenance tags MLflow did not take, and writes them on the next reconciliation', async () => {
    mlflow.hold(provenanceWrite).discard();
    const res = await promote(t, alice, 'tagless', 1, 'Staging');
    expect(res.body).toMatchObject({ status: 'completed' });
    expect(stage('tagless', 1)).toBe('Staging');
    expect(tags('tagless', 1)).toEqual(mode === 'aliases' ? { 'modelgate.stage': 'Staging' } : {});
    mlflow.clearFaults();
    await reconcile();
    expect(tags('tagless', 1)).toMatchObject({ 'modelgate.promotion_id': res.body.id, 'modelgate.promoted_by': 'alice', 'modelgate.stage': 'Staging' });
    expect(await t.app.get(DriftWatcher).checkModel('tagless')).toMatchObject({ outcome: 'checked', detected: 0 });
  });

  it('detects Production moved behind its back (an alias in aliases mode), on MLflow 3 through the webhook within a second', async () => {
    for (const [v, target] of [[1, 'Staging'], [1, 'Production'], [2, 'Staging']] as const) await promote(t, alice, 'watched', v, target);
    expect(await t.app.get(DriftWatcher).checkModel('watched')).toMatchObject({ outcome: 'checked', detected: 0 });
    const started = Date.now();
    moveProductionOutOfBand(mlflow, mode, 'watched', 2);
    let found: unknown[] = [];
    if (mlflow.state.personality.webhooks && mode === 'aliases') {
      while (found.length < 2 && Date.now() - started < 5000) {
        await new Promise((r) => setTimeout(r, 20));
        found = await drifts('watched');
      }
      expect(Date.now() - started).toBeLessThan(1000);
    } else {
      // A stage move sends no webhook (and MLflow 2.9 none at all): the watcher's poll sees it.
      await t.app.get(DriftWatcher).checkModel('watched');
      found = await drifts('watched');
    }
    expect(found).toEqual(
      mode === 'aliases'
        ? [
            ['2', 'Staging', 'Production', ['challenger'], ['challenger', 'champion']],
            ['1', 'Production', 'None', ['champion'], []],
          ]
        : [
            ['2', 'Staging', 'Production', [], []],
            ['1', 'Production', 'Archived', [], []],
          ],
    );
  });

  it('takes a modelgate.stage tag removed behind its back as drift in aliases mode (it is the state), not in stages mode (provenance)', async () => {
    for (const [v, target] of [[1, 'Staging'], [1, 'Production'], [2, 'Staging'], [2, 'Production']] as const) await promote(t, alice, 'tagged', v, target);
    await checksSettled();
    expect(await t.app.get(DriftWatcher).checkModel('tagged')).toMatchObject({ outcome: 'checked', detected: 0 });
    mlflow.outOfBand.deleteTag('tagged', 1, 'modelgate.stage');
    expect(await t.app.get(DriftWatcher).checkModel('tagged')).toMatchObject({ outcome: 'checked', detected: mode === 'aliases' ? 1 : 0 });
    expect(await drifts('tagged')).toEqual(mode === 'aliases' ? [['1', 'Archived', 'None', [], []]] : []);
  });

  it('with drift.action: revert puts MLflow back in the mode’s own terms', async () => {
    for (const [v, target] of [[1, 'Staging'], [1, 'Production'], [2, 'Staging']] as const) await promote(t, alice, 'guarded', v, target);
    await checksSettled();
    await t.app.get(DriftWatcher).checkModel('guarded');
    moveProductionOutOfBand(mlflow, mode, 'guarded', 2);
    expect(await t.app.get(DriftWatcher).checkModel('guarded')).toMatchObject({ outcome: 'checked', detected: 2, reverted: 2 });
    expect([1, 2, 3].map((v) => stage('guarded', v))).toEqual(['Production', 'Staging', 'None']);
    if (mode === 'aliases') expect(Object.fromEntries(mlflow.state.registry.model('guarded').aliases)).toEqual({ champion: 1, challenger: 2 });
    expect(await t.app.get(DriftWatcher).checkModel('guarded')).toMatchObject({ outcome: 'checked', detected: 0 });
  });
});
