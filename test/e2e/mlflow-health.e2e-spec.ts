import { FakeMlflow } from '../fakes/mlflow';
import { TestApp, expectError, startTestApp } from '../helpers/test-app';

/**
 * MLflow in the health routes: /health/ready reports it but never depends on it (an MLflow outage
 * must not take replicas out of the load balancer); /health/mlflow answers for MLflow alone.
 */
describe('health with MLflow', () => {
  let mlflow: FakeMlflow;
  let t: TestApp;
  const get = (path: string) => t.request('GET', path, { key: null });
  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    t = await startTestApp({ env: { MLFLOW_TRACKING_URI: mlflow.url, MLFLOW_TIMEOUT_MS: '1000' } });
  });
  afterAll(async () => {
    await t.close();
    await mlflow.stop();
  });
  afterEach(() => mlflow.clearFaults());

  it('reports MLflow up with its version, from its GET /health and GET /version', async () => {
    mlflow.clearRequests();
    const ready = await get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details.mlflow).toEqual({ status: 'up', version: '2.9.2' });
    expect(mlflow.requests.map((r) => `${r.method} ${r.path}`).sort()).toEqual(['GET /health', 'GET /version']);
    const alone = await get('/health/mlflow');
    expect(alone.status).toBe(200);
    expect(alone.body).toMatchObject({ status: 'ok', details: { mlflow: { status: 'up', version: '2.9.2' } } });
  });

  it('stays ready while MLflow fails, saying why; /health/mlflow answers 503; liveness never asks MLflow', async () => {
    mlflow.failWith(503);
    const ready = await get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details.mlflow).toEqual(expect.objectContaining({ status: 'down', reason: 'server_error' }));
    expect(ready.body.details.postgres.status).toBe('up');

    const alone = expectError(await get('/health/mlflow'), 503, 'NOT_READY');
    expect(alone.message).toContain('mlflow');
    expect(alone.details.mlflow).toEqual(expect.objectContaining({ status: 'down', reason: 'server_error' }));

    mlflow.clearRequests();
    expect((await get('/health/live')).status).toBe(200);
    expect(mlflow.requests).toHaveLength(0);

    mlflow.clearFaults();
    expect((await get('/health/mlflow')).status).toBe(200);
  });

  it('stays ready, quickly, while MLflow hangs', async () => {
    mlflow.setLatency(10_000);
    let started = Date.now();
    const ready = await get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details.mlflow).toEqual(expect.objectContaining({ status: 'down', reason: 'timeout' }));
    expect(Date.now() - started).toBeLessThan(900); // readiness gives MLflow 0.5 s: a probe must not time out
    started = Date.now();
    expect(expectError(await get('/health/mlflow'), 503, 'NOT_READY').details.mlflow.reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1500); // MLFLOW_TIMEOUT_MS (1000), not the probe's 2 s
  });

  it('reports MLflow up without a version when GET /version does not give one (an older server, a proxy)', async () => {
    mlflow.failWith({ status: 404, html: '<!doctype html><title>404 Not Found</title>' }, '/version');
    expect((await get('/health/ready')).body.details.mlflow).toEqual({ status: 'up' });
    expect((await get('/health/mlflow')).body.details.mlflow).toEqual({ status: 'up' });
  });
});
