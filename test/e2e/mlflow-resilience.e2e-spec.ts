import { Logger, LoggerService } from '@nestjs/common';
import { MlflowError } from '../../src/mlflow/mlflow.errors';
import { FakeMlflow } from '../fakes/mlflow';
import { mlflowClientFor } from '../fakes/mlflow/client';

/** MlflowClient's retries, time budget, auth and metrics hook, against a fake told to misbehave. */

class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  private keep = (...args: unknown[]) => this.lines.push(JSON.stringify(args));
  log = this.keep;
  warn = this.keep;
  error = this.keep;
  debug = this.keep;
  verbose = this.keep;
}

async function failure(promise: Promise<unknown>): Promise<MlflowError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MlflowError);
  return err as MlflowError;
}

describe('MlflowClient resilience', () => {
  let fake: FakeMlflow;
  const logs = new CapturingLogger();
  beforeAll(() => Logger.overrideLogger(logs));
  beforeEach(async () => {
    fake = await FakeMlflow.start();
    fake.seed.recsysScenario();
  });
  afterEach(() => fake.stop());

  it.each([
    ['HTTP 500', 500],
    ['HTTP 429', 429],
    ['a dropped connection', 'drop'],
  ] as const)('retries a read after %s, twice, and answers', async (_label, action) => {
    const t = mlflowClientFor(fake.url);
    try {
      fake.failNext(2, action);
      expect((await t.client.getRegisteredModel('recsys')).name).toBe('recsys');
      expect(fake.requestsTo('registered-models/get')).toHaveLength(3);
      expect(t.observer.calls).toEqual([expect.objectContaining({ endpoint: 'getRegisteredModel', outcome: 'ok', attempts: 3, status: 200 })]);
    } finally {
      t.close();
    }
  });

  it('gives up after 3 attempts with MLFLOW_UNAVAILABLE', async () => {
    const t = mlflowClientFor(fake.url);
    try {
      fake.failWith(502);
      const err = await failure(t.client.searchRuns({ experimentIds: ['1'] }));
      expect(err).toMatchObject({ code: 'MLFLOW_UNAVAILABLE', details: { reason: 'server_error', mlflow_status: 502, attempts: 3 } });
      expect(fake.requestsTo('runs/search')).toHaveLength(3);
    } finally {
      t.close();
    }
  });

  it('never retries a write, whatever the failure', async () => {
    const t = mlflowClientFor(fake.url);
    try {
      for (const action of [500, 429, 'drop'] as const) {
        fake.failNext(1, action);
        const err = await failure(t.client.transitionStage('recsys', '3', 'Staging', false));
        expect(err.code).toBe('MLFLOW_UNAVAILABLE');
        expect(err.details.attempts).toBe(1);
      }
      expect(fake.requestsTo('model-versions/transition-stage')).toHaveLength(3);
      expect(fake.state.registry.model('recsys').versions.get(3)!.currentStage).toBe('None');
    } finally {
      t.close();
    }
  });

  it('answers MLFLOW_UNAVAILABLE within the budget when MLflow hangs (one attempt: the budget is spent)', async () => {
    const t = mlflowClientFor(fake.url, { timeoutMs: 300 });
    try {
      fake.setLatency(10_000);
      const started = Date.now();
      const err = await failure(t.client.getModelVersion('recsys', '2'));
      const elapsed = Date.now() - started;
      expect(err).toMatchObject({ code: 'MLFLOW_UNAVAILABLE', details: { reason: 'timeout', attempts: 1 } });
      expect(elapsed).toBeGreaterThanOrEqual(280);
      expect(elapsed).toBeLessThan(600);
      expect(fake.requestsTo('model-versions/get')).toHaveLength(1);
    } finally {
      t.close();
    }
  });

  it('keeps retries and backoff inside the same budget', async () => {
    const t = mlflowClientFor(fake.url, { timeoutMs: 250 });
    try {
      fake.failWith(500);
      fake.setLatency(40);
      const started = Date.now();
      const err = await failure(t.client.getRegisteredModel('recsys'));
      expect(Date.now() - started).toBeLessThan(250 + 150);
      // a third attempt would need 40 + ~110 + 40 + ~220 + 40 ms: more than the budget
      expect(err.details.attempts).toBeLessThan(3);
      expect(fake.requestsTo('registered-models/get')).toHaveLength(err.details.attempts!);
    } finally {
      t.close();
    }
  });

  it('accepts a tracking URI with a path prefix and a trailing slash', async () => {
    const prefixed = await FakeMlflow.start({ basePath: '/mlflow' });
    prefixed.seed.recsysScenario();
    const t = mlflowClientFor(`${prefixed.url}/`);
    try {
      expect((await t.client.getModelVersion('recsys', '2')).stage).toBe('Production');
      expect(prefixed.requests[0].path).toBe('/api/2.0/mlflow/model-versions/get');
    } finally {
      t.close();
      await prefixed.stop();
    }
  });

  it('sends a bearer token or basic credentials, and never logs or answers them', async () => {
    const byToken = await FakeMlflow.start({ auth: { token: 'tok-SECRET-1' } });
    const byBasic = await FakeMlflow.start({ auth: { username: 'ml', password: 'pw-SECRET-2' } });
    byToken.seed.recsysScenario();
    byBasic.seed.recsysScenario();
    const clients = [
      mlflowClientFor(byToken.url, { token: 'tok-SECRET-1' }),
      mlflowClientFor(byBasic.url, { username: 'ml', password: 'pw-SECRET-2' }),
      mlflowClientFor(byToken.url, { token: 'tok-SECRET-wrong' }),
    ];
    try {
      expect((await clients[0].client.getRegisteredModel('recsys')).name).toBe('recsys');
      expect((await clients[1].client.getRegisteredModel('recsys')).name).toBe('recsys');
      const refused = await failure(clients[2].client.getRegisteredModel('recsys'));
      expect(refused).toMatchObject({ code: 'MLFLOW_UNAVAILABLE', details: { reason: 'credentials_refused', mlflow_status: 401, attempts: 1 } });
      const seen = JSON.stringify({ message: refused.message, details: refused.details, logs: logs.lines });
      expect(logs.lines.length).toBeGreaterThan(0);
      for (const secret of ['SECRET']) expect(seen).not.toContain(secret);
    } finally {
      clients.forEach((c) => c.close());
      await byToken.stop();
      await byBasic.stop();
    }
  });

  it('reports each call’s endpoint, outcome, attempts and duration to the observer', async () => {
    const t = mlflowClientFor(fake.url);
    try {
      await t.client.getModelVersion('recsys', '2');
      await t.client.getRun('0123456789abcdef0123456789abcdef').catch(() => undefined);
      await t.client.setAlias('recsys', 'latest', '2').catch(() => undefined);
      fake.failNext(1, 500, 'transition-stage');
      await t.client.transitionStage('recsys', '3', 'Staging', false).catch(() => undefined);
      expect(t.observer.calls.map((c) => [c.endpoint, c.outcome, c.attempts, c.status])).toEqual([
        ['getModelVersion', 'ok', 1, 200],
        ['getRun', 'not_found', 1, 404],
        ['setAlias', 'rejected', 1, 400],
        ['transitionStage', 'unavailable', 1, 500],
      ]);
      for (const c of t.observer.calls) expect(c.durationMs).toBeGreaterThan(0);
    } finally {
      t.close();
    }
  });
});
