import { PromotionReconciler } from '../../src/promotions/promotion-reconciler';
import { DriftWatcher } from '../../src/registry-watch/drift-watcher';
import { FakeMlflow } from '../fakes/mlflow';
import { promote, projectYaml, putProject } from '../helpers/promotions';
import { TestApp, startTestApp } from '../helpers/test-app';
import { withDatabase } from '../helpers/test-database';

describe('registry drift: revert, promotions in flight, replicas', () => {
  let mlflow: FakeMlflow;
  let t: TestApp;
  let alice: string;
  let ci: string;

  const sql = <T = any>(text: string, params: unknown[] = []) => withDatabase(t.databaseUrl, async (db) => (await db.query(text, params)).rows as T[]);
  const watcher = (app = t) => app.app.get(DriftWatcher);
  const audit = async (model: string, action: string) => (await t.request('GET', '/audit', { query: { model, action } })).body.items;
  const stageOf = (model: string, v: number) => mlflow.state.registry.version(model, v).currentStage;
  const gate = async (project: string) => {
    const res = await t.request('POST', '/deploy-gate', { key: ci, body: { project, env: 'prd' } });
    return res.status === 200 ? `allowed ${res.body.version}` : `${res.status} ${res.body.reasons.join('; ')}`;
  };
  const aliases = (model: string) => Object.fromEntries(mlflow.state.registry.model(model).aliases);

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    mlflow.seed.modelVersion({ name: 'guarded', stage: 'Production', aliases: ['production'] });
    mlflow.seed.modelVersion({ name: 'guarded', stage: 'Staging', aliases: ['staging'] });
    mlflow.seed.modelVersion({ name: 'racer', stage: 'Staging' });
    mlflow.seed.modelVersion({ name: 'racer', stage: 'Staging' });
    mlflow.seed.modelVersion({ name: 'shared', stage: 'Production' });
    mlflow.seed.modelVersion({ name: 'shared', stage: 'Staging' });
    t = await startTestApp({ env: { MLFLOW_TRACKING_URI: mlflow.url } });
    alice = await t.createKey('alice', ['promoter']);
    ci = await t.createKey('ci-pipeline', ['ci']);
    await putProject(t, 'guarded', projectYaml('guarded', 'guarded', 'drift: { action: revert }').replace('model: { name: guarded }', 'model: { name: guarded, aliases: true }'));
    await putProject(t, 'racer', projectYaml('racer', 'racer'));
    await putProject(t, 'shared', projectYaml('shared', 'shared'));
    await watcher().round(); // first sight of every model
  });
  afterAll(async () => {
    await t?.close();
    await mlflow?.stop();
  });
  afterEach(() => mlflow.clearFaults());

  it('with drift.action: revert puts MLflow back (the archived Production too, and the aliases), audited and announced; expectations stay', async () => {
    mlflow.outOfBand.transition('guarded', 2, 'Production', { archiveExisting: true });
    mlflow.outOfBand.setAlias('guarded', 'production', 2);
    mlflow.failWith(500, 'transition-stage');
    expect(await watcher().checkModel('guarded')).toMatchObject({ detected: 2, reverted: 0 });
    expect([stageOf('guarded', 1), stageOf('guarded', 2)]).toEqual(['Archived', 'Production']);

    mlflow.clearFaults(); // the next check tries again
    expect(await watcher().checkModel('guarded')).toMatchObject({ detected: 0, reverted: 2 });
    expect([stageOf('guarded', 1), stageOf('guarded', 2)]).toEqual(['Production', 'Staging']);
    expect(aliases('guarded')).toEqual({ production: 1, staging: 2 });

    const [reverted, ...more] = await audit('guarded', 'registry.drift_reverted');
    expect(more).toEqual([]);
    expect(reverted).toMatchObject({ actor: 'system:registry-watch', version: '2', from_stage: 'Production', to_stage: 'Staging' });
    expect(reverted.details.restored_versions).toEqual([{ version: '1', from_stage: 'Archived', stage: 'Production', aliases: ['production'] }]);
    const drifts = (await t.request('GET', '/drift', { query: { project: 'guarded' } })).body.items;
    expect(drifts.map((d: any) => [d.version, d.status, d.resolution, d.resolved_by, d.resolved_seq])).toEqual([
      ['2', 'resolved', 'reverted', 'system:registry-watch', reverted.seq],
      ['1', 'resolved', 'reverted', 'system:registry-watch', reverted.seq],
    ]);
    const history = await t.request('GET', '/models/guarded/history', { query: { at: new Date().toISOString() } });
    expect(history.body.stages).toMatchObject({ Production: [{ version: '1' }], Staging: [{ version: '2' }] });
    const notices = await sql(`SELECT payload->'notice'->>'kind' AS kind, recipient FROM outbox WHERE dedupe_key LIKE 'registry_drift|guarded|%' ORDER BY seq`);
    expect(notices).toEqual([
      { kind: 'detected', recipient: 'ml-team@rentcars.com' },
      { kind: 'reverted', recipient: 'ml-team@rentcars.com' },
    ]);
    expect(await watcher().checkModel('guarded')).toMatchObject({ detected: 0, resolved: 0, reverted: 0 });
  });

  it('never reports a promotion in flight as drift: its model is skipped while its lock is held', async () => {
    const held = mlflow.hold((r) => r.path.endsWith('/transition-stage') && (r.body as { name?: string }).name === 'racer');
    const promotion = promote(t, alice, 'racer', 2, 'Production');
    await held.waitFor(1);
    expect(await watcher().round()).toMatchObject({ checks: expect.arrayContaining([expect.objectContaining({ model: 'racer', outcome: 'busy' })]) });
    held.release();
    expect((await promotion).body.status).toBe('completed');
    expect(await gate('racer')).toBe('allowed 2');
    expect(await watcher().checkModel('racer')).toMatchObject({ outcome: 'checked', detected: 0 });
    expect(await audit('racer', 'registry.drift_detected')).toEqual([]);
  });

  it('never reports a change modelgate still owes MLflow as drift, even when the lock is free, until the reconciler settles it', async () => {
    // The transition reaches MLflow, but modelgate hears neither its answer nor the re-read: the promotion stays applying.
    const held = mlflow.hold((r) => r.path.endsWith('/transition-stage') && (r.body as { name?: string }).name === 'racer');
    const promotion = promote(t, alice, 'racer', 1, 'Production');
    await held.waitFor(1);
    mlflow.failWith(500, 'model-versions/get');
    expect((await promotion).status).toBe(503);
    mlflow.clearFaults(); // MLflow now applies the held transition
    await new Promise((r) => setTimeout(r, 50));
    expect([stageOf('racer', 1), stageOf('racer', 2)]).toEqual(['Production', 'Archived']);
    const [applying] = await sql(`SELECT id FROM promotions WHERE model = 'racer' AND status = 'applying'`);
    expect(applying).toBeDefined();

    expect(await watcher().checkModel('racer')).toMatchObject({ outcome: 'owed', detected: 0 });
    expect(await gate('racer')).toBe('allowed 1'); // modelgate's own change, not yet settled, is accounted for
    await t.app.get(PromotionReconciler).reconcile();
    expect((await t.request('GET', `/promotions/${applying.id}`)).body.status).toBe('completed');
    expect(await watcher().checkModel('racer')).toMatchObject({ outcome: 'checked', detected: 0 });
    expect(await audit('racer', 'registry.drift_detected')).toEqual([]);
  });

  it('records each drift once when two replicas on one database check at the same time', async () => {
    const other = await startTestApp({ databaseUrl: t.databaseUrl, env: { MLFLOW_TRACKING_URI: mlflow.url, ADMIN_API_KEY: t.adminKey } });
    try {
      mlflow.outOfBand.transition('shared', 2, 'Production', { archiveExisting: true });
      const rounds = await Promise.all([watcher().round(), watcher(other).round(), watcher().checkModel('shared'), watcher(other).checkModel('shared')]);
      const detected = rounds.flatMap((r) => ('checks' in r ? r.checks : [r])).filter((c) => c.model === 'shared').reduce((n, c) => n + c.detected, 0);
      expect(detected).toBe(2);
      expect(await Promise.all([watcher().round(), watcher(other).round()])).toBeDefined();
      const events = await audit('shared', 'registry.drift_detected');
      expect(events.map((e: any) => e.version).sort()).toEqual(['1', '2']);
      expect(await sql(`SELECT version FROM registry_drifts WHERE model = 'shared' AND status = 'open' ORDER BY version`)).toEqual([{ version: '1' }, { version: '2' }]);
    } finally {
      await other.close();
    }
  });
});
