import { FakeMlflow } from '../fakes/mlflow';
import { TestApp, expectError, startTestApp } from '../helpers/test-app';

/** Readiness asks MLflow's GET /health; liveness never does. */
describe('readiness with MLflow', () => {
  let mlflow: FakeMlflow;
  let t: TestApp;
  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    t = await startTestApp({ env: { MLFLOW_TRACKING_URI: mlflow.url, MLFLOW_TIMEOUT_MS: '500' } });
  });
  afterAll(async () => {
    await t.close();
    await mlflow.stop();
  });
  afterEach(() => mlflow.clearFaults());

  it('is ready when MLflow answers /health', async () => {
    mlflow.clearRequests();
    const ready = await t.request('GET', '/health/ready', { key: null });
    expect(ready.status).toBe(200);
    expect(ready.body.details.mlflow).toEqual({ status: 'up' });
    expect(mlflow.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /health']);
  });

  it('is not ready while MLflow fails, stays live without asking MLflow, and recovers', async () => {
    mlflow.failWith(503);
    const down = expectError(await t.request('GET', '/health/ready', { key: null }), 503, 'NOT_READY');
    expect(down.message).toContain('mlflow');
    expect(down.details.mlflow).toEqual(expect.objectContaining({ status: 'down', reason: 'server_error' }));
    expect(down.details.postgres.status).toBe('up');

    mlflow.clearRequests();
    expect((await t.request('GET', '/health/live', { key: null })).status).toBe(200);
    expect(mlflow.requests).toHaveLength(0);

    mlflow.clearFaults();
    expect((await t.request('GET', '/health/ready', { key: null })).status).toBe(200);
  });

  it('is not ready, quickly, while MLflow hangs', async () => {
    mlflow.setLatency(10_000);
    const started = Date.now();
    const down = expectError(await t.request('GET', '/health/ready', { key: null }), 503, 'NOT_READY');
    expect(down.details.mlflow).toEqual(expect.objectContaining({ status: 'down', reason: 'timeout' }));
    expect(Date.now() - started).toBeLessThan(1200); // MLFLOW_TIMEOUT_MS (500), not the probe's 2 s
  });
});
