/**
 * Deploy gate throughput against a bare Fastify route doing what the gate does to the database:
 * the same INSERT of one decision row through the same driver (pg, a pool of DATABASE_POOL_SIZE),
 * answered with the same JSON, and nothing else (the reads modelgate adds, of the project and of
 * MLflow, are part of what the ratio measures). Target: ratio ≥ 0.60 at 20 connections.
 *
 *   npm run bench -- bench/deploy-gate     (BENCH_DURATION_S=5, BENCH_ROUNDS=3, BENCH_CONNECTIONS=20, BENCH_PROFILE=1)
 *
 * The gate answers from the fake MLflow (in the bench's process) seeded like the fixtures (recsys
 * v2 in Production); its ≤ 1 s MLflow read is shared by the burst, as under CI load.
 */
import { join } from 'node:path';
import { FakeMlflow } from '../test/fakes/mlflow';
import { BenchApp, startBenchApp } from './support/bench-app';
import { Baseline, startBaseline } from './support/baseline';
import { alternate, fmtRps, load, ratioOf } from './support/load';
import { profileSummary, windowed } from './support/profile';
import { recordTarget, say } from './support/results';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const PROFILE = process.env.BENCH_PROFILE === '1';
const POOL_SIZE = 10;
const BASELINE = `bare Fastify 5 + pg (pool of ${POOL_SIZE}, as DATABASE_POOL_SIZE): the key looked up in memory, one INSERT … RETURNING * of the decision row per request, the gate's JSON`;

async function gateOf(profile: boolean): Promise<{ app: BenchApp; baseline: Baseline; url: string; baseUrl: string; headers: Record<string, string> }> {
  const app = await startBenchApp({
    cpuProf: profile,
    env: {
      MLFLOW_TRACKING_URI: mlflow.url,
      PROJECTS_DIR: join(__dirname, '..', 'test', 'fixtures', 'projects'),
      NOTIFY_WORKER_ENABLED: 'false',
      DATABASE_POOL_SIZE: String(POOL_SIZE),
    },
  });
  const key = await app.createKey('bench-ci', ['ci']);
  const headers = { authorization: `Bearer ${key}` };
  const url = `${app.url}/deploy-gate/recsys?env=prd`;
  const first = await fetch(url, { headers });
  if (first.status !== 200) throw new Error(`gate answered ${first.status}: ${await first.text()}`);
  const allowed = (await first.json()) as { model: string; version: string; stage: string; run_id: string; source: string };
  const baseline = await startBaseline(
    { keys: { [key]: { name: 'bench-ci', roles: ['ci'] } }, databaseUrl: app.databaseUrl, poolSize: POOL_SIZE, gate: allowed },
    profile,
  );
  return { app, baseline, url, baseUrl: `${baseline.url}/deploy-gate/recsys?env=prd`, headers };
}

let mlflow: FakeMlflow;
beforeAll(async () => {
  mlflow = await FakeMlflow.start();
  mlflow.seed.recsysScenario('stages');
});
afterAll(() => mlflow?.stop());

it('deploy gate vs a bare INSERT route', async () => {
  const { app, baseline, url, baseUrl, headers } = await gateOf(false);
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, app.rssMiB())), 200);
  try {
    const opts = { connections: CONNECTIONS, durationS: DURATION_S, headers };
    await load(url, { ...opts, durationS: 2 }); // warm-up
    await load(baseUrl, { ...opts, durationS: 2 });
    const r = await alternate(ROUNDS, { gate: () => load(url, opts), base: () => load(baseUrl, opts) });
    for (const x of [...r.gate, ...r.base]) if (x.non2xx || x.errors) throw new Error(`failed answers: ${JSON.stringify(x)}`);
    const { ratio, rounds } = ratioOf(r.gate, r.base);
    const p99 = Math.max(...r.gate.map((x) => x.p99Ms));
    say(
      '',
      `deploy gate: GET /deploy-gate/recsys?env=prd, ${CONNECTIONS} connections, ${ROUNDS} × ${DURATION_S} s alternating; baseline: ${BASELINE}`,
      `  modelgate ${fmtRps(r.gate)} (p99 ≤ ${p99} ms)  baseline ${fmtRps(r.base)}  ratio ${ratio.toFixed(2)} (rounds ${rounds.map((x) => x.toFixed(2)).join(', ')}; target >= 0.60)`,
      `  app RSS peak under gate load: ${peakRss.toFixed(0)} MiB`,
    );
    recordTarget({
      order: 2,
      measure: 'GET /deploy-gate/:project vs bare Fastify doing the same INSERT, 20 connections',
      baseline: BASELINE,
      measured: `${ratio.toFixed(2)} (${fmtRps(r.gate)} vs ${fmtRps(r.base)})`,
      target: '≥ 0.6',
      met: ratio >= 0.6,
    });
  } finally {
    clearInterval(sampler);
    await baseline.stop();
    await app.stop();
  }
  if (PROFILE) {
    const p = await gateOf(true);
    const opts = { connections: CONNECTIONS, durationS: DURATION_S, headers: p.headers };
    await load(p.url, { ...opts, durationS: 2 });
    await load(p.baseUrl, { ...opts, durationS: 2 });
    const a = await windowed(() => load(p.url, opts));
    const b = await windowed(() => load(p.baseUrl, opts));
    say('', 'deploy gate: CPU per request by package (--cpu-prof):', await profileSummary({ process: p.app, load: a }, { process: p.baseline, load: b }));
  }
});
