/**
 * The fixed cost of a request: `GET /me` (the cheapest authenticated route: auth, guard, request id,
 * metrics, logs) against a bare Fastify route doing the same work (the key's sha256 looked up in
 * memory, the same JSON), with logging at info and with logging off, then a `--cpu-prof` of both
 * under the same load: where modelgate's extra CPU per request goes, by package.
 *
 *   npm run bench -- bench/overhead        (BENCH_DURATION_S=5, BENCH_ROUNDS=3, BENCH_CONNECTIONS=20)
 *
 * Rounds alternate app and baseline, so noise from other work on the machine hits both alike; the
 * ratio is that of the medians.
 */
import { BenchApp, startBenchApp } from './support/bench-app';
import { Baseline, startBaseline } from './support/baseline';
import { LoadResult, alternate, fmtRps, load, ratioOf } from './support/load';
import { profileSummary, windowed } from './support/profile';
import { recordTarget, say } from './support/results';

const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const BASELINE = 'bare Fastify 5 (no plugin, no logger): the key\'s sha256 looked up in a Map, the same { name, roles } JSON';

async function withReader(app: BenchApp): Promise<{ key: string; actor: { name: string; roles: string[] } }> {
  const key = await app.createKey('bench-reader', ['reader']);
  return { key, actor: { name: 'bench-reader', roles: ['reader'] } };
}

async function pair(logLevel: string, profile = false): Promise<{ app: LoadResult[]; base: LoadResult[]; summary?: string }> {
  const app = await startBenchApp({ env: { LOG_LEVEL: logLevel }, cpuProf: profile });
  let baseline: Baseline | undefined;
  try {
    const { key, actor } = await withReader(app);
    baseline = await startBaseline({ keys: { [key]: actor } }, profile);
    const headers = { authorization: `Bearer ${key}` };
    const appLoad = () => load(`${app.url}/me`, { connections: CONNECTIONS, durationS: DURATION_S, headers });
    const baseLoad = () => load(`${baseline!.url}/me`, { connections: CONNECTIONS, durationS: DURATION_S, headers });
    await load(`${app.url}/me`, { connections: CONNECTIONS, durationS: 2, headers }); // warm-up (JIT)
    await load(`${baseline.url}/me`, { connections: CONNECTIONS, durationS: 2, headers });
    if (profile) {
      const a = await windowed(appLoad);
      const b = await windowed(baseLoad);
      const summary = await profileSummary({ process: app, load: a }, { process: baseline, load: b });
      baseline = undefined;
      return { app: [a.result], base: [b.result], summary };
    }
    const r = await alternate(ROUNDS, { app: appLoad, base: baseLoad });
    for (const x of [...r.app, ...r.base]) if (x.non2xx || x.errors) throw new Error(`failed answers: ${JSON.stringify(x)}`);
    return r;
  } finally {
    await baseline?.stop();
    await app.stop();
  }
}

it('GET /me vs bare Fastify doing the same, logging at info and off, and where the difference goes', async () => {
  const info = await pair('info');
  const infoRatio = ratioOf(info.app, info.base);
  say('', `overhead: GET /me, ${CONNECTIONS} connections, ${ROUNDS} × ${DURATION_S} s alternating; baseline: ${BASELINE}`);
  say(`  LOG_LEVEL=info   modelgate ${fmtRps(info.app)}  baseline ${fmtRps(info.base)}  ratio ${infoRatio.ratio.toFixed(2)} (rounds ${infoRatio.rounds.map((x) => x.toFixed(2)).join(', ')}; target >= 0.5)`);
  const silent = await pair('silent');
  const silentRatio = ratioOf(silent.app, silent.base);
  say(`  LOG_LEVEL=silent modelgate ${fmtRps(silent.app)}  baseline ${fmtRps(silent.base)}  ratio ${silentRatio.ratio.toFixed(2)} (rounds ${silentRatio.rounds.map((x) => x.toFixed(2)).join(', ')})`);
  const profiled = await pair('info', true);
  say('', `CPU per request under the same load, LOG_LEVEL=info, --cpu-prof (app ${fmtRps(profiled.app)}, baseline ${fmtRps(profiled.base)} while profiled):`, profiled.summary ?? '');

  recordTarget({
    order: 1,
    measure: 'GET /me vs bare Fastify, logging at info',
    baseline: BASELINE,
    measured: `${infoRatio.ratio.toFixed(2)} (${fmtRps(info.app)} vs ${fmtRps(info.base)}); logging off: ${silentRatio.ratio.toFixed(2)}`,
    target: '≥ 0.5',
    met: infoRatio.ratio >= 0.5,
  });
});
