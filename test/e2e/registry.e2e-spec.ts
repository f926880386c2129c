import { FakeMlflow, RECSYS_RUNS } from '../fakes/mlflow';
import { TestApp, expectError, startTestApp } from '../helpers/test-app';

/** The registry read API through HTTP, against the fake MLflow seeded with the fixtures' scenario. */

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('registry read API', () => {
  let mlflow: FakeMlflow;
  let t: TestApp;
  let reader: string;
  const get = (url: string, query?: Record<string, string>) => t.request('GET', url, { key: reader, query });
  const searchRuns = (body: unknown) => t.request('POST', '/runs/search', { key: reader, body });

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    mlflow.seed.recsysScenario('aliases');
    mlflow.seed.model('churn', { description: 'Churn classifier' });
    mlflow.seed.model('empty-model');
    t = await startTestApp({ env: { MLFLOW_TRACKING_URI: mlflow.url } });
    reader = await t.createKey('reader', ['reader']);
  });
  afterAll(async () => {
    await t.close();
    await mlflow.stop();
  });
  beforeEach(() => {
    mlflow.clearRequests();
    mlflow.clearFaults();
  });

  it('needs a key with the reader role (admin holds it too)', async () => {
    expectError(await t.request('GET', '/models', { key: null }), 401, 'UNAUTHENTICATED');
    const ci = await t.createKey('ci-only', ['ci']);
    expectError(await t.request('GET', '/models/recsys', { key: ci }), 403, 'FORBIDDEN');
    expectError(await t.request('POST', '/runs/search', { key: ci, body: { experiment_ids: ['1'] } }), 403, 'FORBIDDEN');
    expect((await t.request('GET', '/models/recsys')).status).toBe(200);
  });

  it('GET /models/:name: description, tags, aliases and the latest version per stage, in snake_case', async () => {
    const res = await get('/models/recsys');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      name: 'recsys',
      description: 'Recommender ranking model',
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
      tags: {},
      aliases: [{ alias: 'champion', version: '2' }],
      latest_versions: [
        expect.objectContaining({ version: '1', stage: 'Archived', aliases: [] }),
        expect.objectContaining({ version: '2', stage: 'Production', aliases: ['champion'], tags: { validation_status: 'passed' } }),
        expect.objectContaining({ version: '3', stage: 'None', aliases: [] }),
      ],
    });
    expect(res.body.latest_versions[1]).toEqual({
      name: 'recsys',
      version: '2',
      stage: 'Production',
      description: 'Tuned LightGBM, 400 trees',
      source: `runs:/${RECSYS_RUNS.tuned.runId}/model`,
      run_id: RECSYS_RUNS.tuned.runId,
      status: 'READY',
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
      tags: { validation_status: 'passed' },
      aliases: ['champion'],
    });
    expect((await get('/models/empty-model')).body).toEqual(expect.objectContaining({ description: null, latest_versions: [], aliases: [] }));
  });

  it('GET /models pages with max_results and MLflow’s page token, and passes the filter', async () => {
    for (const name of ['listed-c', 'listed-a', 'listed-b']) mlflow.seed.modelVersion({ name });
    const listed = { filter: "name LIKE 'listed-%'", max_results: '2' };
    const first = await get('/models', listed);
    expect(first.body.items.map((m: { name: string }) => m.name)).toEqual(['listed-a', 'listed-b']);
    expect(first.body.next_page_token).toEqual(expect.any(String));
    const second = await get('/models', { ...listed, page_token: first.body.next_page_token });
    expect(second.body).toEqual({ items: [expect.objectContaining({ name: 'listed-c', latest_versions: [expect.objectContaining({ version: '1' })] })] });
    const filtered = await get('/models', { filter: "name LIKE 'rec%'" });
    expect(filtered.body.items.map((m: { name: string }) => m.name)).toEqual(['recsys']);
    expect(mlflow.requestsTo('registered-models/search').at(-1)!.query).toEqual({ filter: "name LIKE 'rec%'", max_results: '100' });
    expect(expectError(await get('/models', { filter: 'name ~ x' }), 422, 'MLFLOW_REJECTED').details).toEqual(
      expect.objectContaining({ mlflow_error_code: 'INVALID_PARAMETER_VALUE', mlflow_message: expect.stringContaining('Invalid filter') }),
    );
    expectError(await get('/models', { max_results: '1001' }), 400, 'VALIDATION_FAILED');
  });

  it('GET /models/:name/versions: newest first, paged, with aliases', async () => {
    const first = await get('/models/recsys/versions', { max_results: '2' });
    expect(first.body.items.map((v: { version: string }) => v.version)).toEqual(['3', '2']);
    expect(first.body.items[1].aliases).toEqual(['champion']);
    const second = await get('/models/recsys/versions', { max_results: '2', page_token: first.body.next_page_token });
    expect(second.body).toEqual({ items: [expect.objectContaining({ version: '1', stage: 'Archived' })] });
    expect((await get('/models/empty-model/versions')).body).toEqual({ items: [] });
  });

  it('filters versions by stage, case-insensitively, and pages the matches', async () => {
    expect((await get('/models/recsys/versions', { stage: 'production' })).body).toEqual({ items: [expect.objectContaining({ version: '2', stage: 'Production' })] });
    for (let i = 0; i < 3; i++) mlflow.seed.modelVersion({ name: 'churn', stage: 'Staging' });
    mlflow.seed.modelVersion({ name: 'churn', stage: 'Production' });
    const first = await get('/models/churn/versions', { stage: 'STAGING', max_results: '2' });
    expect(first.body.items.map((v: { version: string }) => v.version)).toEqual(['3', '2']);
    const second = await get('/models/churn/versions', { stage: 'staging', max_results: '2', page_token: first.body.next_page_token });
    expect(second.body).toEqual({ items: [expect.objectContaining({ version: '1', stage: 'Staging' })] });
    const bad = expectError(await get('/models/recsys/versions', { stage: 'Prod' }), 400, 'VALIDATION_FAILED');
    expect(bad.details).toEqual([{ field: 'stage', problems: [expect.stringContaining('None, Staging, Production, Archived')] }]);
  });

  it('pages a stage by version: a version entering the stage meanwhile repeats none of the next page', async () => {
    for (let i = 0; i < 3; i++) mlflow.seed.modelVersion({ name: 'paged', stage: 'Staging' });
    const versionsOf = (res: { body: { items: { version: string }[] } }) => res.body.items.map((v) => v.version);
    const first = await get('/models/paged/versions', { stage: 'Staging', max_results: '2' });
    expect(versionsOf(first)).toEqual(['3', '2']);
    mlflow.seed.modelVersion({ name: 'paged', stage: 'Staging' });
    const second = await get('/models/paged/versions', { stage: 'Staging', max_results: '2', page_token: first.body.next_page_token });
    expect(second.body).toEqual({ items: [expect.objectContaining({ version: '1' })] });
    expectError(await get('/models/paged/versions', { stage: 'Staging', page_token: 'bm9wZQ' }), 400, 'VALIDATION_FAILED');
  });

  it('answers 404 MODEL_NOT_FOUND for the versions of an unknown model', async () => {
    expectError(await get('/models/nope/versions'), 404, 'MODEL_NOT_FOUND');
    expectError(await get('/models/nope/versions', { stage: 'Staging' }), 404, 'MODEL_NOT_FOUND');
    expectError(await get('/models/nope'), 404, 'MODEL_NOT_FOUND');
  });

  it('GET /models/:name/versions/:v: the version with its run’s metrics, params and tags, in two MLflow calls', async () => {
    const res = await get('/models/recsys/versions/2');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      expect.objectContaining({
        version: '2',
        stage: 'Production',
        aliases: ['champion'],
        run: {
          run_id: RECSYS_RUNS.tuned.runId,
          run_name: 'lgbm-tuned',
          experiment_id: '1',
          user_id: 'recsys-bot',
          status: 'FINISHED',
          start_time: expect.stringMatching(ISO),
          end_time: expect.stringMatching(ISO),
          artifact_uri: `/mlflow/artifacts/1/${RECSYS_RUNS.tuned.runId}/artifacts`,
          lifecycle_stage: 'active',
          metrics: { roc_auc: 0.87, f1: 0.82, precision_at_10: 0.46 },
          params: { model_type: 'lightgbm', n_estimators: '400' },
          tags: { 'mlflow.runName': 'lgbm-tuned', 'mlflow.user': 'recsys-bot', validation_status: 'passed' },
        },
      }),
    );
    expect(mlflow.requests.map((r) => r.path.replace('/api/2.0/mlflow/', ''))).toEqual(['model-versions/get', 'runs/get']);
  });

  it('asks for a version and its known run at once the next time, and follows the version if its run changed', async () => {
    mlflow.seed.modelVersion({ name: 'reborn', runId: RECSYS_RUNS.baseline.runId });
    mlflow.setLatency(150);
    const timedGet = async () => {
      const started = Date.now();
      const res = await get('/models/reborn/versions/1');
      return { res, ms: Date.now() - started };
    };
    const first = await timedGet();
    expect(first.res.body.run.run_name).toBe('lgbm-baseline');
    expect(first.ms).toBeGreaterThanOrEqual(300); // version, then run
    mlflow.clearRequests();
    const second = await timedGet();
    expect(second.res.body.run.run_name).toBe('lgbm-baseline');
    expect(second.ms).toBeLessThan(290); // both at once
    expect(mlflow.requests.map((r) => r.path.replace('/api/2.0/mlflow/', '')).sort()).toEqual(['model-versions/get', 'runs/get']);
    mlflow.clearFaults();

    mlflow.state.registry.models.delete('reborn');
    mlflow.seed.modelVersion({ name: 'reborn', runId: RECSYS_RUNS.tunedV2.runId });
    const after = await get('/models/reborn/versions/1');
    expect(after.body).toEqual(expect.objectContaining({ run_id: RECSYS_RUNS.tunedV2.runId, run: expect.objectContaining({ run_name: 'lgbm-tuned-v2' }) }));
  });

  it('answers run: null for a version without a run, and normalises the version number', async () => {
    mlflow.seed.modelVersion({ name: 'runless', runId: null, stage: 'Staging' });
    expect((await get('/models/runless/versions/01')).body).toEqual(expect.objectContaining({ version: '1', run_id: null, run: null }));
    // The same null wherever the version is listed.
    expect((await get('/models/runless/versions')).body.items).toEqual([expect.objectContaining({ version: '1', run_id: null })]);
    expect((await get('/models/runless/versions?stage=staging')).body.items).toEqual([expect.objectContaining({ version: '1', run_id: null })]);
    expect((await get('/models/runless')).body.latest_versions).toEqual([expect.objectContaining({ version: '1', run_id: null })]);
  });

  it('tells an unknown model from an unknown version, and refuses a version that is not a positive integer', async () => {
    expectError(await get('/models/recsys/versions/99'), 404, 'MODEL_VERSION_NOT_FOUND');
    const missing = expectError(await get('/models/nope/versions/1'), 404, 'MODEL_NOT_FOUND');
    expect(missing.details).toEqual(expect.objectContaining({ mlflow_error_code: 'RESOURCE_DOES_NOT_EXIST' }));
    for (const bad of ['abc', '0', '-1', '1.5', '12345678901']) {
      expect(expectError(await get(`/models/recsys/versions/${bad}`), 400, 'VALIDATION_FAILED').details).toEqual([
        { field: 'version', problems: ['version must be a positive integer'] },
      ]);
    }
  });

  it('GET /runs/:id', async () => {
    const res = await get(`/runs/${RECSYS_RUNS.baseline.runId}`);
    expect(res.body).toEqual(expect.objectContaining({ run_id: RECSYS_RUNS.baseline.runId, run_name: 'lgbm-baseline', metrics: { roc_auc: 0.83, f1: 0.78, precision_at_10: 0.41 } }));
    expectError(await get('/runs/0123456789abcdef0123456789abcdef'), 404, 'RUN_NOT_FOUND');
    expectError(await get('/runs/not%20a%20run'), 400, 'VALIDATION_FAILED');
  });

  it('POST /runs/search by experiment name, ordered, paged with MLflow’s token', async () => {
    const first = await searchRuns({ experiment_names: ['recsys'], order_by: ['metrics.roc_auc DESC'], max_results: 2 });
    expect(first.status).toBe(200);
    expect(first.body.items.map((r: { run_name: string }) => r.run_name)).toEqual(['lgbm-tuned', 'lgbm-tuned-v2']);
    expect(first.body.next_page_token).toBe('eyJvZmZzZXQiOiAyfQ==');
    const second = await searchRuns({ experiment_names: ['recsys'], order_by: ['metrics.roc_auc DESC'], max_results: 2, page_token: first.body.next_page_token });
    expect(second.body).toEqual({ items: [expect.objectContaining({ run_name: 'lgbm-baseline' })] });
    expect(mlflow.requestsTo('runs/search').at(-1)!.body).toEqual(expect.objectContaining({ experiment_ids: ['1'], page_token: 'eyJvZmZzZXQiOiAyfQ==' }));
  });

  it('POST /runs/search by experiment id, with a filter', async () => {
    const res = await searchRuns({ experiment_ids: ['1'], filter: "tags.validation_status = 'passed' and metrics.roc_auc > 0.85" });
    expect(res.body.items.map((r: { run_name: string }) => r.run_name)).toEqual(['lgbm-tuned-v2', 'lgbm-tuned']);
  });

  it('POST /runs/search: 404 for an unknown experiment name, 400 for bad input, 422 for a filter MLflow refuses', async () => {
    expectError(await searchRuns({ experiment_names: ['nope'] }), 404, 'EXPERIMENT_NOT_FOUND');
    const none = expectError(await searchRuns({ filter: 'x' }), 400, 'VALIDATION_FAILED');
    expect(none.details).toEqual([{ field: 'experiment_ids', problems: expect.arrayContaining(['experiment_ids or experiment_names is required']) }]);
    expectError(await searchRuns({ experiment_ids: ['1'], max_results: 1001 }), 400, 'VALIDATION_FAILED');
    expectError(await searchRuns({ experiment_ids: ['1'], run_view_type: 'ALL' }), 400, 'VALIDATION_FAILED');
    expectError(await searchRuns({ experiment_ids: ['1'], filter: 'metrics.roc_auc >>> 1' }), 422, 'MLFLOW_REJECTED');
  });

  it('documents the read API in OpenAPI', async () => {
    const doc = await t.request('GET', '/docs-json', { key: null });
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/models', '/models/{name}', '/models/{name}/versions', '/models/{name}/versions/{version}', '/runs/{id}', '/runs/search']),
    );
    expect(Object.keys(doc.body.components.schemas.ModelVersionDetailView.properties)).toEqual(expect.arrayContaining(['run', 'created_at', 'run_id']));
  });
});
