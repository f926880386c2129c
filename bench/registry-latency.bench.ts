/**
 * Added latency of `GET /models/:name/versions/:v` over the two MLflow calls it makes
 * (model-versions/get and runs/get), against the fake MLflow answering each call after 5 ms.
 *
 *   npm run bench -- bench/registry-latency     (modelgate runs as its own process: node dist/src/main.js)
 *
 * Each baseline makes the raw calls the way modelgate makes them, so like is compared with like.
 * Each round times, with fetch over keep-alive HTTP: the two raw calls at once; modelgate for a
 * version it has read before ("warm": it asks MLflow for the version and its run at once, since a
 * version's run never changes); the two raw calls one after the other, for a version never read;
 * modelgate for that version ("cold": version first, then run, whose id it learns from the version).
 * Rounds interleave so machine noise hits all alike. Target: warm ratio of means ≤ 1.3. The cold
 * ratio is printed too.
 */
import { FakeMlflow, RECSYS_RUNS } from '../test/fakes/mlflow';
import { BenchApp, startBenchApp } from './support/bench-app';
import { say } from './support/results';

const ROUNDS = 200;
const WARM_UP = 20;
const LATENCY_MS = 5;

interface Stats {
  mean: number;
  p50: number;
  p95: number;
}

function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { mean: samples.reduce((s, x) => s + x, 0) / samples.length, p50: at(0.5), p95: at(0.95) };
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

async function ok(res: Response): Promise<void> {
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`HTTP ${res.status} from ${res.url}`);
}

const fmt = (s: Stats) => `mean ${s.mean.toFixed(2)} ms, p50 ${s.p50.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms`;

describe('registry latency bench', () => {
  let mlflow: FakeMlflow;
  let t: BenchApp;
  let reader: string;
  const coldRuns: string[] = [];

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    mlflow.seed.recsysScenario('aliases');
    for (let i = 0; i < WARM_UP + ROUNDS; i++) {
      const v = mlflow.seed.modelVersion({ name: 'cold', run: { metrics: { roc_auc: 0.8 }, params: { i: String(i) } } });
      coldRuns.push(v.runId!);
    }
    t = await startBenchApp({ env: { MLFLOW_TRACKING_URI: mlflow.url } });
    reader = await t.createKey('bench', ['reader']);
    mlflow.setLatency(LATENCY_MS);
  });
  afterAll(async () => {
    await t.stop();
    await mlflow.stop();
  });

  it(`GET /models/:name/versions/:v vs its raw MLflow calls, ${ROUNDS} requests each`, async () => {
    const api = `${mlflow.url}/api/2.0/mlflow`;
    const getVersion = async (name: string, version: number) => ok(await fetch(`${api}/model-versions/get?name=${name}&version=${version}`));
    const getRun = async (runId: string) => ok(await fetch(`${api}/runs/get?run_id=${runId}`));
    const rawAtOnce = (name: string, version: number, runId: string) => async () => {
      await Promise.all([getVersion(name, version), getRun(runId)]);
    };
    const rawOneAfterOther = (name: string, version: number, runId: string) => async () => {
      await getVersion(name, version);
      await getRun(runId);
    };
    const gate = (name: string, version: number) => async () =>
      ok(await fetch(`${t.url}/models/${name}/versions/${version}`, { headers: { authorization: `Bearer ${reader}` } }));
    const rawWarm = rawAtOnce('recsys', 2, RECSYS_RUNS.tuned.runId);
    const gateWarm = gate('recsys', 2);

    const samples = { rawWarm: [] as number[], gateWarm: [] as number[], rawCold: [] as number[], gateCold: [] as number[] };
    for (let i = 0; i < WARM_UP + ROUNDS; i++) {
      const round = {
        rawWarm: await timed(rawWarm),
        gateWarm: await timed(gateWarm),
        rawCold: await timed(rawOneAfterOther('cold', i + 1, coldRuns[i])),
        gateCold: await timed(gate('cold', i + 1)),
      };
      if (i < WARM_UP) continue;
      for (const k of Object.keys(round) as (keyof typeof round)[]) samples[k].push(round[k]);
    }
    const s = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, stats(v)])) as Record<keyof typeof samples, Stats>;
    const warm = s.gateWarm.mean / s.rawWarm.mean;
    const cold = s.gateCold.mean / s.rawCold.mean;
    say(
      ...[
        '',
        'registry read latency (modelgate in its own process; the raw calls with fetch from the bench\'s process)',
        `raw MLflow calls at once:               ${fmt(s.rawWarm)}`,
        `modelgate, version read before (warm):  ${fmt(s.gateWarm)}`,
        `raw MLflow calls one after the other:   ${fmt(s.rawCold)}`,
        `modelgate, version never read (cold):   ${fmt(s.gateCold)}`,
        `warm: ${(s.gateWarm.mean - s.rawWarm.mean).toFixed(2)} ms added, ratio ${warm.toFixed(3)} (target <= 1.3)`,
        `cold: ${(s.gateCold.mean - s.rawCold.mean).toFixed(2)} ms added, ratio ${cold.toFixed(3)}`,
      ],
    );
  });
});
