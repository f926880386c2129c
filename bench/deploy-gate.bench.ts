/**
 * Deploy gate throughput against a bare Fastify route doing the same durable work (one INSERT of a
 * decision row into PostgreSQL per request), measured in the same run. Target: ratio ≥ 0.60.
 *
 *   npm run bench -- bench/deploy-gate        (BENCH_DURATION_S=10, BENCH_CONNECTIONS=20)
 *
 * The gate is warm (its ≤ 1 s MLflow read is shared by the burst, as under CI load), authenticated
 * with a ci key, and answers from the fake MLflow seeded like the fixtures (recsys v2 in Production).
 */
import Fastify from 'fastify';
import { join } from 'node:path';
import { Pool } from 'pg';
import { FakeMlflow } from '../test/fakes/mlflow';
import { TestApp, startTestApp } from '../test/helpers/test-app';
import { load } from './load';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);

it('deploy gate vs a bare INSERT route', async () => {
  const mlflow = await FakeMlflow.start();
  mlflow.seed.recsysScenario('stages');
  const t: TestApp = await startTestApp({
    listen: true,
    env: { MLFLOW_TRACKING_URI: mlflow.url, PROJECTS_DIR: join(__dirname, '..', 'test', 'fixtures', 'projects'), NOTIFY_WORKER_ENABLED: 'false' },
  });
  const ci = await t.createKey('bench-ci', ['ci']);
  const pool = new Pool({ connectionString: t.databaseUrl, max: 10 });
  const bare = Fastify();
  bare.get('/bare/:project', async (req) => {
    const rows = await pool.query(
      `INSERT INTO deploy_decisions (project, env, model, version, stage, run_id, source, outcome, reasons, caller)
       VALUES ($1, 'prd', 'recsys', '2', 'Production', 'r', 'runs:/r/model', 'allowed', '[]', 'bench') RETURNING id`,
      [(req.params as { project: string }).project],
    );
    return { allowed: true, decision_id: rows.rows[0].id };
  });
  const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });
  try {
    const gateUrl = `${t.baseUrl}/deploy-gate/recsys?env=prd`;
    const headers = { authorization: `Bearer ${ci}` };
    await load(gateUrl, { connections: CONNECTIONS, durationS: 2, headers }); // warm-up
    await load(`${bareUrl}/bare/recsys`, { connections: CONNECTIONS, durationS: 2 });
    const baseline = await load(`${bareUrl}/bare/recsys`, { connections: CONNECTIONS, durationS: DURATION_S });
    const gate = await load(gateUrl, { connections: CONNECTIONS, durationS: DURATION_S, headers });
    const row = (name: string, r: typeof gate) =>
      `${name.padEnd(28)} ${r.requestsPerSecond.toFixed(0).padStart(7)} req/s  p50 ${String(r.p50Ms).padStart(4)} ms  p99 ${String(r.p99Ms).padStart(4)} ms  non-2xx ${r.non2xx}`;
    process.stdout.write(
      [
        '',
        `deploy gate benchmark (${CONNECTIONS} connections, ${DURATION_S} s each)`,
        row('bare Fastify + INSERT', baseline),
        row('GET /deploy-gate (warm)', gate),
        `ratio gate/bare: ${(gate.requestsPerSecond / baseline.requestsPerSecond).toFixed(2)} (target >= 0.60)`,
        '',
      ].join('\n'),
    );
    expect(gate.non2xx).toBe(0);
  } finally {
    await bare.close();
    await pool.end();
    await t.close();
    await mlflow.stop();
  }
});
