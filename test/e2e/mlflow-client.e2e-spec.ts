import { Logger } from '@nestjs/common';
import { MlflowError } from '../../src/mlflow/mlflow.errors';
import { FakeMlflow, RECSYS_RUNS } from '../fakes/mlflow';
import { TestMlflowClient, mlflowClientFor } from '../fakes/mlflow/client';

/** MlflowClient against the fake: every catalogue call, its HTTP method, typed answers, error mapping. */

async function failure(promise: Promise<unknown>): Promise<MlflowError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MlflowError);
  return err as MlflowError;
}

describe('MlflowClient against the fake', () => {
  let fake: FakeMlflow;
  let t: TestMlflowClient;
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(async () => {
    fake = await FakeMlflow.start();
    fake.seed.recsysScenario('aliases');
    t = mlflowClientFor(fake.url);
  });
  afterEach(async () => {
    t.close();
    await fake.stop();
  });

  it('reads a registered model as a typed object: versions as strings, dates, lists present', async () => {
    const model = await t.client.getRegisteredModel('recsys');
    expect(model).toEqual(
      expect.objectContaining({ name: 'recsys', description: 'Recommender ranking model', aliases: [{ alias: 'champion', version: '2' }], tags: {} }),
    );
    expect(model.createdAt).toBeInstanceOf(Date);
    expect(model.latestVersions.map((v) => [v.version, v.stage])).toEqual([
      ['1', 'Archived'],
      ['2', 'Production'],
      ['3', 'None'],
    ]);
    expect(model.latestVersions[1]).toEqual(expect.objectContaining({ runId: RECSYS_RUNS.tuned.runId, tags: { validation_status: 'passed' }, aliases: [] }));
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /api/2.0/mlflow/registered-models/get']);
  });

  it('treats a missing description and missing lists as absent and empty', async () => {
    fake.seed.model('bare');
    const bare = await t.client.getRegisteredModel('bare');
    expect(bare.description).toBeUndefined();
    expect(bare).toEqual(expect.objectContaining({ latestVersions: [], aliases: [], tags: {} }));
    expect(await t.client.getLatestVersions('recsys', ['Staging'])).toEqual([]);
    expect(await t.client.searchModelVersions({ filter: "name='nothing'" })).toEqual({ items: [] });
  });

  it('reads versions, latest versions and versions by alias with the method MLflow wants for each', async () => {
    const v2 = await t.client.getModelVersion('recsys', '2');
    expect(v2).toEqual(expect.objectContaining({ version: '2', stage: 'Production', aliases: ['champion'], description: 'Tuned LightGBM, 400 trees' }));
    expect((await t.client.getLatestVersions('recsys', ['Production'])).map((v) => v.version)).toEqual(['2']);
    expect((await t.client.getVersionByAlias('recsys', 'champion')).version).toBe('2');
    const page = await t.client.searchModelVersions({ filter: "name='recsys'", maxResults: 2, orderBy: ['version_number DESC'] });
    expect(page.items.map((v) => v.version)).toEqual(['3', '2']);
    const next = await t.client.searchModelVersions({ filter: "name='recsys'", maxResults: 2, orderBy: ['version_number DESC'], pageToken: page.nextPageToken });
    expect(next).toEqual({ items: [expect.objectContaining({ version: '1' })] });
    expect(fake.requests.map((r) => r.method)).toEqual(['GET', 'POST', 'GET', 'GET', 'GET']);
    expect(fake.requestsTo('model-versions/search')[0].query).toEqual(
      expect.objectContaining({ filter: "name='recsys'", max_results: '2', order_by: 'version_number DESC' }),
    );
  });

  it('writes: transition (with archive_existing_versions), description, tag and aliases change the fake’s state', async () => {
    fake.seed.modelVersion({ name: 'recsys', runId: RECSYS_RUNS.tunedV2.runId, stage: 'Staging' });
    const moved = await t.client.transitionStage('recsys', '4', 'Production', true);
    expect(moved).toEqual(expect.objectContaining({ version: '4', stage: 'Production' }));
    const versions = fake.state.registry.model('recsys').versions;
    expect([versions.get(2)!.currentStage, versions.get(4)!.currentStage]).toEqual(['Archived', 'Production']);

    expect((await t.client.updateModelVersion('recsys', '4', 'promoted by a test')).description).toBe('promoted by a test');
    await t.client.setModelVersionTag('recsys', '4', 'validation_status', 'passed');
    await t.client.setAlias('recsys', 'challenger', '4');
    expect(versions.get(4)!.tags.get('validation_status')).toBe('passed');
    expect(fake.state.registry.model('recsys').aliases.get('challenger')).toBe(4);
    await t.client.deleteAlias('recsys', 'challenger');
    expect(fake.state.registry.model('recsys').aliases.has('challenger')).toBe(false);
    expect(fake.requests.map((r) => r.method)).toEqual(['POST', 'PATCH', 'POST', 'POST', 'DELETE']);
  });

  it('reads runs, run searches with paging, experiments and metric history', async () => {
    const run = await t.client.getRun(RECSYS_RUNS.tuned.runId);
    expect(run).toEqual(expect.objectContaining({ runName: 'lgbm-tuned', status: 'FINISHED', params: { model_type: 'lightgbm', n_estimators: '400' } }));
    expect(run.metrics.map((m) => [m.key, m.value])).toEqual([
      ['roc_auc', 0.87],
      ['f1', 0.82],
      ['precision_at_10', 0.46],
    ]);
    const experiment = await t.client.getExperimentByName('recsys');
    const first = await t.client.searchRuns({ experimentIds: [experiment.experimentId], maxResults: 2, orderBy: ['metrics.roc_auc DESC'] });
    expect(first.items.map((r) => r.runName)).toEqual(['lgbm-tuned', 'lgbm-tuned-v2']);
    const second = await t.client.searchRuns({ experimentIds: [experiment.experimentId], maxResults: 2, orderBy: ['metrics.roc_auc DESC'], pageToken: first.nextPageToken });
    expect(second).toEqual({ items: [expect.objectContaining({ runName: 'lgbm-baseline' })] });
    expect((await t.client.searchExperiments({ filter: "name = 'recsys'" })).items.map((e) => e.name)).toEqual(['recsys']);
    expect((await t.client.getMetricHistory(RECSYS_RUNS.tuned.runId, 'roc_auc')).map((m) => m.value)).toEqual([0.87]);
  });

  it('tells a missing model from a missing version (MLflow says the same for both)', async () => {
    expect((await failure(t.client.getModelVersion('recsys', '99'))).code).toBe('MODEL_VERSION_NOT_FOUND');
    const missingModel = await failure(t.client.getModelVersion('nope', '1'));
    expect(missingModel.code).toBe('MODEL_NOT_FOUND');
    expect(missingModel.details.mlflow_error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect((await failure(t.client.transitionStage('nope', '1', 'Staging', false))).code).toBe('MODEL_NOT_FOUND');
    expect((await failure(t.client.transitionStage('recsys', '99', 'Staging', false))).code).toBe('MODEL_VERSION_NOT_FOUND');
    expect((await failure(t.client.getRegisteredModel('nope'))).code).toBe('MODEL_NOT_FOUND');
    expect((await failure(t.client.getLatestVersions('nope'))).code).toBe('MODEL_NOT_FOUND');
  });

  it('maps the other not-found answers: run, experiment, alias (MLflow answers 400 for an alias)', async () => {
    const run = await failure(t.client.getRun('0123456789abcdef0123456789abcdef'));
    expect(run).toMatchObject({ code: 'RUN_NOT_FOUND', httpStatus: 404, details: { mlflow_error_code: 'RESOURCE_DOES_NOT_EXIST' } });
    expect((await failure(t.client.getExperimentByName('nope'))).code).toBe('EXPERIMENT_NOT_FOUND');
    const alias = await failure(t.client.getVersionByAlias('recsys', 'challenger'));
    expect(alias).toMatchObject({ code: 'ALIAS_NOT_FOUND', details: { mlflow_error_code: 'INVALID_PARAMETER_VALUE', mlflow_status: 400 } });
    expect((await failure(t.client.getVersionByAlias('nope', 'champion'))).code).toBe('MODEL_NOT_FOUND');
  });

  it('maps INVALID_PARAMETER_VALUE to MLFLOW_REJECTED (422) with MLflow’s message', async () => {
    const err = await failure(t.client.setAlias('recsys', 'latest', '2'));
    expect(err).toMatchObject({
      code: 'MLFLOW_REJECTED',
      httpStatus: 422,
      details: { mlflow_error_code: 'INVALID_PARAMETER_VALUE', mlflow_message: "'latest' alias name (case insensitive) is reserved.", mlflow_status: 400 },
    });
    const filter = await failure(t.client.searchModelVersions({ filter: 'bogus ~ 1' }));
    expect(filter.code).toBe('MLFLOW_REJECTED');
  });

  it('maps a 500 on a write to MLFLOW_UNAVAILABLE, sent once, flagged as possibly applied', async () => {
    const err = await failure(t.client.transitionStage('recsys', '3', 'Archived', true));
    expect(err).toMatchObject({ code: 'MLFLOW_UNAVAILABLE', httpStatus: 503, details: { mlflow_error_code: 'INTERNAL_ERROR', reason: 'server_error', may_have_applied: true, attempts: 1 } });
    expect(fake.requestsTo('model-versions/transition-stage')).toHaveLength(1);
  });

  it('maps HTML answers (not an MLflow API) and refused connections to MLFLOW_UNAVAILABLE', async () => {
    const wrong = mlflowClientFor(`${fake.url}/not-mlflow`);
    try {
      const html = await failure(wrong.client.getRegisteredModel('recsys'));
      expect(html).toMatchObject({ code: 'MLFLOW_UNAVAILABLE', details: { reason: 'unexpected_answer', mlflow_status: 404 } });
      expect(html.details.mlflow_error_code).toBeUndefined();
    } finally {
      wrong.close();
    }
    const stopped = await FakeMlflow.start();
    const url = stopped.url;
    await stopped.stop();
    const refused = mlflowClientFor(url);
    try {
      expect(await failure(refused.client.getRegisteredModel('recsys'))).toMatchObject({ code: 'MLFLOW_UNAVAILABLE', details: { reason: 'connection_failed', attempts: 3 } });
    } finally {
      refused.close();
    }
  });

  it('pings MLflow’s /health', async () => {
    await expect(t.client.ping()).resolves.toBeUndefined();
    fake.failNext(1, 503);
    expect(await failure(t.client.ping())).toMatchObject({ code: 'MLFLOW_UNAVAILABLE', details: { endpoint: 'health', mlflow_status: 503 } });
    expect(fake.requests.filter((r) => r.path === '/health')).toHaveLength(2);
  });
});
