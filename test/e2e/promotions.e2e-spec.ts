import { DriftWatcher } from '../../src/registry-watch/drift-watcher';
import { FakeMlflow } from '../fakes/mlflow';
import { promote, projectYaml, putProject } from '../helpers/promotions';
import { TestApp, expectError, startTestApp } from '../helpers/test-app';
import { withDatabase } from '../helpers/test-database';

const RANKER_POLICY = [
  'promotion:',
  '  Staging: { metrics: { roc_auc: ">= 0.80" } }',
  '  Production:',
  '    metrics: { roc_auc: ">= 0.85", f1: ">= 0.80" }',
  '    no_regression: { roc_auc: 0.01 }',
  '    required_tags: { validation_status: passed }',
  '    min_hours_in_staging: 24',
].join('\n');

describe('promotions: stage graph, policy gates, audit', () => {
  let mlflow: FakeMlflow;
  let t: TestApp;
  let promoter: string;
  let models = 0;
  const stageOf = (model: string, v: number) => mlflow.state.registry.version(model, v).currentStage;
  /** A model of its own for one test, its versions in these stages (v1 first). */
  const freshModel = (base: string, stages: ('None' | 'Staging' | 'Production' | 'Archived')[]) => {
    const name = `${base}-${++models}`;
    for (const stage of stages) mlflow.seed.modelVersion({ name, stage });
    return name;
  };
  /**
   * A model claimed by a project with a full Production policy: v1 weak, v2 strong and validated,
   * v3 strong but without f1 or the tag.
   */
  const rankerModel = async () => {
    const name = `ranker-${++models}`;
    mlflow.seed.modelVersion({ name, run: { metrics: { roc_auc: 0.83, f1: 0.78 } } });
    mlflow.seed.modelVersion({ name, run: { metrics: { roc_auc: 0.87, f1: 0.82 }, tags: { validation_status: 'passed' } } });
    mlflow.seed.modelVersion({ name, run: { metrics: { roc_auc: 0.9 } } });
    await putProject(t, `p-${name}`, projectYaml(`p-${name}`, name, RANKER_POLICY));
    return name;
  };

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    mlflow.seed.recsysScenario('versions'); // recsys v1..v3, all in None
    t = await startTestApp({ env: { MLFLOW_TRACKING_URI: mlflow.url, MLFLOW_TIMEOUT_MS: '800' } });
    promoter = await t.createKey('alice', ['promoter']);
  });
  afterAll(async () => {
    await t.close();
    await mlflow.stop();
  });
  afterEach(() => mlflow.clearFaults());

  it('moves v1 to Staging then Production, audited, with MLflow as the truth', async () => {
    const model = freshModel('solo', ['None']);
    const staging = await promote(t, promoter, model, 1, 'staging');
    expect(staging.status).toBe(200);
    expect(staging.body).toMatchObject({ model, version: '1', from_stage: 'None', to_stage: 'Staging', status: 'completed', requested_by: 'alice' });
    expect(staging.body.verdict).toMatchObject({ allowed: true, rules: [], note: expect.stringContaining('no project claims') });
    const production = await promote(t, promoter, model, 1, 'Production');
    expect(production.body).toMatchObject({ from_stage: 'Staging', to_stage: 'Production', status: 'completed', archived_versions: [] });
    expect(stageOf(model, 1)).toBe('Production');
    const audit = await t.request('GET', '/audit', { query: { model, action: 'promotion.completed' } });
    expect(audit.body.items.map((e: { version: string; to_stage: string; actor: string }) => [e.version, e.to_stage, e.actor])).toEqual([
      ['1', 'Production', 'alice'],
      ['1', 'Staging', 'alice'],
    ]);
  });

  it('takes v2 through Staging to Production, archiving v1, so there is one Production version', async () => {
    const model = freshModel('pair', ['Production', 'None']);
    expect((await promote(t, promoter, model, 2, 'Staging')).status).toBe(200);
    const res = await promote(t, promoter, model, 2, 'Production');
    expect(res.body).toMatchObject({ status: 'completed', archived_versions: ['1'] });
    expect([stageOf(model, 1), stageOf(model, 2)]).toEqual(['Archived', 'Production']);
  });

  it('refuses every move outside the stage graph with 409 INVALID_TRANSITION naming the allowed targets', async () => {
    const model = freshModel('graph', ['Archived', 'Production', 'None']);
    const skip = expectError(await promote(t, promoter, model, 3, 'Production'), 409, 'INVALID_TRANSITION');
    expect(skip.details).toEqual({ current_stage: 'None', requested_stage: 'Production', allowed_targets: ['Staging'] });
    expectError(await promote(t, promoter, model, 2, 'Production'), 409, 'INVALID_TRANSITION');
    expectError(await promote(t, promoter, model, 2, 'Staging'), 409, 'INVALID_TRANSITION');
    expectError(await promote(t, promoter, model, 1, 'None'), 409, 'INVALID_TRANSITION');
    expect([stageOf(model, 1), stageOf(model, 2), stageOf(model, 3)]).toEqual(['Archived', 'Production', 'None']);
  });

  it('validates the body and the path', async () => {
    expect(expectError(await promote(t, promoter, 'recsys', 3, 'Prod'), 400, 'VALIDATION_FAILED').details[0].field).toBe('stage');
    expectError(await promote(t, promoter, 'recsys', 3, 'Staging', { reason: 'no' }), 400, 'VALIDATION_FAILED');
    expectError(await promote(t, promoter, 'recsys', 'abc', 'Staging'), 400, 'VALIDATION_FAILED');
    expectError(await promote(t, promoter, 'recsys', 3, 'Staging', { extra: 1 }), 400, 'VALIDATION_FAILED');
  });

  it('answers 404 for an unknown model or version', async () => {
    expectError(await promote(t, promoter, 'nope', 1, 'Staging'), 404, 'MODEL_NOT_FOUND');
    expectError(await promote(t, promoter, 'recsys', 99, 'Staging'), 404, 'MODEL_VERSION_NOT_FOUND');
  });

  it('dry-runs without changing or auditing anything', async () => {
    const ranker = await rankerModel();
    const before = await t.request('GET', '/audit');
    const res = await promote(t, promoter, ranker, 1, 'Staging', { dry_run: true });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      dry_run: true,
      outcome: 'apply',
      verdict: { allowed: true, approvals_required: 0, rules: [expect.objectContaining({ rule: 'metric:roc_auc', passed: true, observed: 0.83 })] },
    });
    expect(stageOf(ranker, 1)).toBe('None');
    expect((await t.request('GET', '/audit')).body.items).toEqual(before.body.items);
  });

  it('lists every failing rule of the Production policy in the verdict (dry run and real), and records the denial', async () => {
    const ranker = await rankerModel();
    expect((await promote(t, promoter, ranker, 1, 'Staging')).status).toBe(200);
    const dry = await promote(t, promoter, ranker, 1, 'Production', { dry_run: true });
    expect(dry.body.outcome).toBe('deny');
    const byRule = Object.fromEntries(dry.body.verdict.rules.map((r: { rule: string }) => [r.rule, r]));
    expect(Object.keys(byRule).sort()).toEqual(['metric:f1', 'metric:roc_auc', 'min_hours_in_staging', 'no_regression:roc_auc', 'required_tag:validation_status']);
    expect(byRule['metric:roc_auc']).toMatchObject({ passed: false, observed: 0.83, required: '>= 0.85' });
    expect(byRule['metric:f1']).toMatchObject({ passed: false, observed: 0.78 });
    expect(byRule['required_tag:validation_status']).toMatchObject({ passed: false, observed: null });
    expect(byRule['no_regression:roc_auc']).toMatchObject({ passed: true });
    expect(byRule['min_hours_in_staging']).toMatchObject({ passed: false });

    const real = await promote(t, promoter, ranker, 1, 'Production');
    const body = expectError(real, 422, 'POLICY_DENIED');
    expect(body.verdict.rules.filter((r: { passed: boolean }) => !r.passed)).toHaveLength(4);
    expect(stageOf(ranker, 1)).toBe('Staging');
    const stored = await t.request('GET', `/promotions/${body.promotion_id}`);
    expect(stored.body).toMatchObject({ status: 'denied', verdict: body.verdict });
    const audit = await t.request('GET', '/audit', { query: { model: ranker, action: 'promotion.denied' } });
    expect(audit.body.items).toHaveLength(1);
  });

  it('passes min_hours_in_staging from MLflow time when modelgate did not move it, and checks regression against Production', async () => {
    const ranker = await rankerModel();
    expect((await promote(t, promoter, ranker, 1, 'Staging')).status).toBe(200); // modelgate has seen the model
    // Moved in MLflow, not through modelgate: refused by the drift rule until an approver adopts it.
    mlflow.state.registry.transition(ranker, 2, 'Staging', false);
    mlflow.state.registry.version(ranker, 2).lastUpdatedTimestamp = Date.now() - 25 * 3600_000;
    expect(expectError(await promote(t, promoter, ranker, 2, 'Production'), 422, 'POLICY_DENIED').verdict.rules.at(-1)).toMatchObject({ rule: 'drift', passed: false });
    await t.app.get(DriftWatcher).round();
    expect((await t.request('POST', `/models/${ranker}/versions/2/adopt`, { body: { reason: 'staged by hand before modelgate' } })).status).toBe(200);
    const res = await promote(t, promoter, ranker, 2, 'Production');
    expect(res.status).toBe(200);
    expect(res.body.verdict.rules.every((r: { passed: boolean }) => r.passed)).toBe(true);

    // v3 regresses on nothing (0.90) but lacks f1 and the tag, and was staged behind modelgate's back: each says so.
    mlflow.state.registry.transition(ranker, 3, 'Staging', false);
    const dry = await promote(t, promoter, ranker, 3, 'Production', { dry_run: true });
    const failing = dry.body.verdict.rules.filter((r: { passed: boolean }) => !r.passed).map((r: { rule: string }) => r.rule).sort();
    expect(failing).toEqual(['drift', 'metric:f1', 'min_hours_in_staging', 'required_tag:validation_status']);
  });

  it('answers 503 MLFLOW_UNAVAILABLE when MLflow is down, recording nothing as done', async () => {
    const model = freshModel('down', ['None']);
    mlflow.failWith(500);
    expectError(await promote(t, promoter, model, 1, 'Staging'), 503, 'MLFLOW_UNAVAILABLE');
    mlflow.clearFaults();
    expect((await withDatabase(t.databaseUrl, (db) => db.query('SELECT count(*)::int AS n FROM promotions WHERE model = $1', [model]))).rows[0].n).toBe(0);
    expect(stageOf(model, 1)).toBe('None');
  });

  it('marks a transition MLflow refused as failed and audits it', async () => {
    const model = freshModel('refused', ['None']);
    mlflow.failWith(500, 'transition-stage');
    const res = await promote(t, promoter, model, 1, 'Staging');
    expectError(res, 503, 'MLFLOW_UNAVAILABLE');
    mlflow.clearFaults();
    const failed = await t.request('GET', '/promotions', { query: { model, status: 'failed' } });
    expect(failed.body.items).toEqual([expect.objectContaining({ version: '1', to_stage: 'Staging', status: 'failed' })]);
    expect((await t.request('GET', '/audit', { query: { model, action: 'promotion.failed' } })).body.items).toHaveLength(1);
  });

  it('lists and reads promotions for readers; only promoters promote', async () => {
    const model = freshModel('listed', ['None', 'None']);
    for (const [version, stage] of [[1, 'Staging'], [1, 'Production'], [2, 'Staging']] as const) {
      expect((await promote(t, promoter, model, version, stage)).status).toBe(200);
    }
    const reader = await t.createKey('reader', ['reader']);
    const list = await t.request('GET', '/promotions', { key: reader, query: { model, max_results: '2' } });
    expect(list.body.items.map((p: { version: string; to_stage: string }) => `${p.version}:${p.to_stage}`)).toEqual(['2:Staging', '1:Production']);
    const rest = await t.request('GET', '/promotions', { key: reader, query: { model, max_results: '2', page_token: list.body.next_page_token } });
    expect(rest.body).toEqual({ items: [expect.objectContaining({ version: '1', to_stage: 'Staging' })] });
    expect((await t.request('GET', `/promotions/${rest.body.items[0].id}`, { key: reader })).body).toMatchObject({ model, version: '1', status: 'completed' });
    expectError(await promote(t, reader, 'recsys', 3, 'Staging'), 403, 'FORBIDDEN');
    expectError(await t.request('GET', '/promotions/00000000-0000-4000-8000-000000000000', { key: reader }), 404, 'PROMOTION_NOT_FOUND');
    expectError(await t.request('GET', '/promotions/nope', { key: reader }), 400, 'VALIDATION_FAILED');
  });

  it('keeps one Production version when 20 promotions race, with a valid audit chain', async () => {
    for (let i = 0; i < 20; i++) mlflow.seed.modelVersion({ name: 'race', stage: 'Staging' });
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => promote(t, promoter, 'race', i + 1, 'Production')));
    for (const a of answers) expect([200, 409]).toContain(a.status);
    const stages = [...mlflow.state.registry.model('race').versions.values()].map((v) => v.currentStage);
    expect(stages.filter((s) => s === 'Production')).toHaveLength(1);
    expect(stages.every((s) => s === 'Production' || s === 'Archived' || s === 'Staging')).toBe(true);
    expect((await t.request('GET', '/audit/verify')).body.valid).toBe(true);
  });

  it('promotes more models at once than the pool has connections, without starving it', async () => {
    const models = Array.from({ length: 12 }, (_, i) => `fleet-${i}`);
    for (const m of models) {
      mlflow.seed.modelVersion({ name: m, run: { metrics: { roc_auc: 0.9 } } });
      await putProject(t, `p-${m}`, projectYaml(`p-${m}`, m, 'promotion:\n  Staging: { metrics: { roc_auc: ">= 0.8" } }'));
    }
    const started = Date.now();
    const answers = await Promise.all(models.map((m) => promote(t, promoter, m, 1, 'Staging')));
    expect(answers.map((a) => a.status)).toEqual(models.map(() => 200));
    expect(Date.now() - started).toBeLessThan(4000); // a starved pool would wait out its 5 s connect timeout
  });
});
