import { FakeMlflow, RECSYS_RUNS } from '../fakes/mlflow';
import { Exchange, MlflowFixture, loadFixture, replay, withoutTimestamps } from '../fakes/mlflow/fixtures';

/**
 * The fake against the captured answers of a real MLflow 2.9.2: each fixture's request is replayed,
 * in capture order, on a fake seeded to the state the capture started from; status, content type
 * and body must match, timestamps aside (they only have to be epoch-millisecond numbers).
 */

function expectLike(actual: Exchange, fixture: MlflowFixture): void {
  expect({ status: actual.status, contentType: actual.contentType }).toEqual({ status: fixture.status, contentType: fixture.headers['content-type'] });
  expect(withoutTimestamps(actual.body)).toEqual(withoutTimestamps(fixture.response));
}

function contract(names: string[], fake: () => FakeMlflow): void {
  it.each(names)('%s', async (name) => {
    const fixture = loadFixture(name);
    expectLike(await replay(fake().url, fixture), fixture);
  });
}

describe('fake MLflow vs the recsys capture', () => {
  let fake: FakeMlflow;
  beforeAll(async () => {
    fake = await FakeMlflow.start();
    fake.seed.recsysScenario('versions');
  });
  afterAll(() => fake.stop());

  describe('transitions (step 3)', () => {
    contract(
      [
        'model-versions-transition-stage',
        'model-versions-transition-stage-v1-production',
        'model-versions-transition-stage-v2-staging',
        'model-versions-transition-stage-archive-existing',
      ],
      () => fake,
    );
  });

  describe('reads (step 4)', () => {
    contract(
      [
        'registered-models-get',
        'model-versions-get',
        'model-versions-get-archived',
        'model-versions-get-none-stage',
        'registered-models-get-latest-versions',
        'registered-models-get-latest-versions-production',
        'registered-models-get-latest-versions-get',
        'registered-models-get-latest-versions-lowercase-stage',
        'registered-models-get-latest-versions-empty',
        'model-versions-search',
        'model-versions-search-empty',
        'model-versions-search-by-run',
        'registered-models-search',
        'experiments-get-by-name',
        'runs-get',
        'runs-search',
        'runs-search-page2',
        'runs-search-filter',
      ],
      () => fake,
    );
  });

  describe('errors (step 4, changing nothing)', () => {
    contract(
      [
        'error-model-not-found',
        'error-version-not-found',
        'error-version-model-not-found',
        'error-latest-versions-model-not-found',
        'error-create-version-model-not-found',
        'error-transition-version-not-found',
        'error-transition-model-not-found',
        'error-invalid-stage',
        'error-archive-existing-to-archived',
        'error-wrong-type-version',
        'error-wrong-type-archive-flag',
        'error-transition-missing-stage',
        'error-malformed-json',
        'error-missing-content-type',
        'error-missing-param',
        'error-non-numeric-version',
        'error-get-no-query',
        'error-alias-not-found',
        'error-alias-model-not-found',
        'error-reserved-alias',
        'error-reserved-alias-version-pattern',
        'error-run-not-found',
        'error-unknown-route',
        'error-method-not-allowed',
        'error-method-not-allowed-transition-get',
      ],
      () => fake,
    );

    it('error-duplicate-model (the SQL backend text after the prefix is not copied)', async () => {
      const fixture = loadFixture('error-duplicate-model');
      const actual = await replay(fake.url, fixture);
      expect(actual.status).toBe(fixture.status);
      const expected = fixture.response as { error_code: string; message: string };
      expect(actual.body).toEqual({ error_code: expected.error_code, message: expect.stringMatching(/^Registered Model \(name=recsys\) already exists\./) });
      expect(expected.message.startsWith('Registered Model (name=recsys) already exists.')).toBe(true);
    });
  });

  describe('aliases, description and tags (step 5)', () => {
    contract(
      [
        'registered-models-set-alias',
        'model-versions-get-by-alias',
        'registered-models-get-with-alias',
        'model-versions-get-with-alias',
        'model-versions-search-with-alias',
        'registered-models-get-latest-versions-with-alias',
        'model-versions-update',
        'set-model-version-tag',
        'model-versions-get-after-update',
        'model-versions-search-after-tag',
        'registered-models-search-final',
      ],
      () => fake,
    );
  });
});

describe('fake MLflow vs the capture of creations', () => {
  let fake: FakeMlflow;
  beforeAll(async () => {
    fake = await FakeMlflow.start();
  });
  afterAll(() => fake.stop());

  it('experiments-create, runs-create and runs-update (run ids are the fake’s own)', async () => {
    for (const name of ['experiments-create']) expectLike(await replay(fake.url, loadFixture(name)), loadFixture(name));
    const created = loadFixture('runs-create');
    const answer = await replay(fake.url, created);
    const runId = (answer.body as { run: { info: { run_id: string } } }).run.info.run_id;
    expect(runId).toMatch(/^[0-9a-f]{32}$/);
    const ids = { [runId]: RECSYS_RUNS.baseline.runId };
    expectLike({ ...answer, body: JSON.parse(JSON.stringify(answer.body).split(runId).join(ids[runId])) }, created);

    const updated = loadFixture('runs-update');
    const updateAnswer = await replay(fake.url, updated, { [RECSYS_RUNS.baseline.runId]: runId });
    expectLike({ ...updateAnswer, body: JSON.parse(JSON.stringify(updateAnswer.body).split(runId).join(RECSYS_RUNS.baseline.runId)) }, updated);
  });

  it('runs-log-batch, registered-models-create, model-versions-create', async () => {
    fake.seed.run({ experimentId: '1', runId: RECSYS_RUNS.tuned.runId, runName: 'lgbm-tuned' });
    for (const name of ['runs-log-batch', 'registered-models-create', 'model-versions-create']) {
      expectLike(await replay(fake.url, loadFixture(name)), loadFixture(name));
    }
  });
});

describe('fake MLflow vs the transition-semantics capture', () => {
  let fake: FakeMlflow;
  beforeAll(async () => {
    fake = await FakeMlflow.start();
    fake.seed.model('recsys-sandbox');
    for (const run of Object.values(RECSYS_RUNS)) fake.seed.modelVersion({ name: 'recsys-sandbox', runId: run.runId });
    fake.seed.model('recsys-archive-check');
    for (const stage of ['Production', 'Staging', 'Staging'] as const) {
      fake.seed.modelVersion({ name: 'recsys-archive-check', runId: RECSYS_RUNS.tuned.runId, stage });
    }
  });
  afterAll(() => fake.stop());

  contract(
    [
      'transition-skip-stage',
      'transition-lowercase-stage',
      'transition-uppercase-stage',
      'transition-same-stage',
      'transition-backwards-production-to-none',
      'transition-archive-existing-omitted',
      'registered-models-get-sandbox',
      'transition-archive-existing-only-same-stage',
      'transition-archive-existing-only-same-stage-after',
    ],
    () => fake,
  );

  it('transition-with-alias', async () => {
    fake.state.registry.setAlias('recsys-archive-check', 'prod', '3');
    fake.state.registry.setAlias('recsys-archive-check', 'prod2', '3');
    const fixture = loadFixture('transition-with-alias');
    expectLike(await replay(fake.url, fixture), fixture);
  });
});

describe('fake MLflow routing', () => {
  let fake: FakeMlflow;
  beforeAll(async () => {
    fake = await FakeMlflow.start();
    fake.seed.recsysScenario();
  });
  afterAll(() => fake.stop());

  contract(['health', 'version'], () => fake);

  it('answers /ajax-api/ like /api/, and 404 HTML for a trailing slash or the preview prefix', async () => {
    const fixture = loadFixture('registered-models-get');
    expectLike(await replay(fake.url, { ...fixture, request: { ...fixture.request, path: '/ajax-api/2.0/mlflow/registered-models/get' } }), fixture);
    const unknown = loadFixture('error-unknown-route');
    for (const path of ['/api/2.0/mlflow/registered-models/get/', '/api/2.0/preview/mlflow/registered-models/get']) {
      expectLike(await replay(fake.url, { ...fixture, request: { ...fixture.request, path } }), unknown);
    }
  });
});
