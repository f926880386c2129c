import { FakeMlflow } from '../fakes/mlflow';
import { TestApp, expectError, startTestApp } from '../helpers/test-app';

/**
 * The registry API when MLflow misbehaves: slow, failing, gone, or not MLflow at all. The app runs
 * with MLFLOW_TIMEOUT_MS=800, so a hanging MLflow costs 0.8 s, not the default 5 s.
 */

const TIMEOUT_MS = 800;

describe('registry read API when MLflow misbehaves', () => {
  let mlflow: FakeMlflow;
  let t: TestApp;
  let reader: string;
  const get = (url: string) => t.request('GET', url, { key: reader });

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    mlflow.seed.recsysScenario();
    t = await startTestApp({ env: { MLFLOW_TRACKING_URI: mlflow.url, MLFLOW_TIMEOUT_MS: String(TIMEOUT_MS) } });
    reader = await t.createKey('reader', ['reader']);
  });
  afterAll(async () => {
    await t.close();
    await mlflow.stop();
  });
  afterEach(() => {
    mlflow.clearFaults();
    mlflow.clearRequests();
  });

  it('answers 503 MLFLOW_UNAVAILABLE in about the configured timeout when MLflow takes 10 s', async () => {
    mlflow.setLatency(10_000);
    const started = Date.now();
    const res = await get('/models/recsys/versions/2');
    const elapsed = Date.now() - started;
    expect(expectError(res, 503, 'MLFLOW_UNAVAILABLE').details).toEqual(expect.objectContaining({ reason: 'timeout', attempts: 1, endpoint: 'getModelVersion' }));
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 700);
  });

  it('answers 200 when MLflow fails twice, then answers (reads are retried)', async () => {
    mlflow.failNext(2, 500, 'model-versions/get');
    const res = await get('/models/recsys/versions/2');
    expect(res.status).toBe(200);
    expect(res.body.version).toBe('2');
    expect(mlflow.requestsTo('model-versions/get')).toHaveLength(3);
  });

  it('answers 200 after two dropped connections', async () => {
    mlflow.failNext(2, 'drop');
    expect((await get('/models/recsys')).status).toBe(200);
    expect(mlflow.requestsTo('registered-models/get')).toHaveLength(3);
  });

  it('answers 503 when MLflow keeps failing, keeping MLflow’s error code', async () => {
    mlflow.failWith(500);
    const body = expectError(await get('/models/recsys'), 503, 'MLFLOW_UNAVAILABLE');
    expect(body.details).toEqual(expect.objectContaining({ reason: 'server_error', mlflow_status: 500, mlflow_error_code: 'INTERNAL_ERROR', attempts: 3 }));
  });

  it('answers 503 when MLflow is rate limiting past the retries', async () => {
    mlflow.failWith({ status: 429, retryAfterS: 0 });
    expect(expectError(await get('/models'), 503, 'MLFLOW_UNAVAILABLE').details).toEqual(expect.objectContaining({ reason: 'rate_limited', mlflow_status: 429 }));
  });

  it('answers 503 when the URL answers HTML instead of MLflow’s JSON (a proxy page, a wrong route)', async () => {
    mlflow.failWith({ status: 502, html: '<html><body>Bad Gateway</body></html>' });
    expect(expectError(await get('/models/recsys'), 503, 'MLFLOW_UNAVAILABLE').details.mlflow_status).toBe(502);
    mlflow.failWith({ status: 404, html: '<!doctype html><title>404 Not Found</title>' });
    const notMlflow = expectError(await get('/runs/0123456789abcdef0123456789abcdef'), 503, 'MLFLOW_UNAVAILABLE');
    expect(notMlflow.details).toEqual(expect.objectContaining({ reason: 'unexpected_answer', mlflow_status: 404 }));
    expect(notMlflow.details.mlflow_error_code).toBeUndefined();
  });

  it('answers 503 when MLflow drops every connection, without hanging', async () => {
    mlflow.failWith('drop');
    const started = Date.now();
    expect(expectError(await get('/models/recsys/versions'), 503, 'MLFLOW_UNAVAILABLE').details.reason).toBe('connection_failed');
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 500);
  });
});
