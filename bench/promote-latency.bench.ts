/**
 * Promote latency over the raw MLflow calls it needs, fake MLflow answering each call after 5 ms.
 * Target: ≤ 1.3×.
 *
 *   npm run bench -- bench/promote-latency        (BENCH_ROUNDS=100)
 *
 * A version cycles Staging → Archived → Staging. Promoting to Staging under a metrics policy needs
 * model-versions/get, runs/get and transition-stage; to Archived (no policy) model-versions/get
 * and transition-stage. Each round times the promotion through HTTP (auth, lock, policy, the
 * `applying` and `completed` commits, the audit append) and the same raw calls with fetch over
 * keep-alive, interleaved so machine noise hits both alike.
 */
import { FakeMlflow } from '../test/fakes/mlflow';
import { promote, projectYaml, putProject } from '../test/helpers/promotions';
import { startTestApp } from '../test/helpers/test-app';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 100);
const LATENCY_MS = 5;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];

it('promote vs the raw MLflow calls it makes', async () => {
  const mlflow = await FakeMlflow.start();
  const v = mlflow.seed.modelVersion({ name: 'bench', run: { metrics: { roc_auc: 0.9 } } });
  const t = await startTestApp({ listen: true, env: { MLFLOW_TRACKING_URI: mlflow.url, NOTIFY_WORKER_ENABLED: 'false' } });
  await putProject(t, 'benchp', projectYaml('benchp', 'bench', 'promotion:\n  Staging: { metrics: { roc_auc: ">= 0.8" } }'));
  const promoter = await t.createKey('bench-promoter', ['promoter']);
  const api = `${mlflow.url}/api/2.0/mlflow`;
  const get = (path: string) => fetch(`${api}/${path}`).then((r) => r.json());
  const post = (path: string, body: unknown) =>
    fetch(`${api}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
  const raw = async (stage: string, withRun: boolean) => {
    await get('model-versions/get?name=bench&version=1');
    if (withRun) await get(`runs/get?run_id=${v.runId}`);
    await post('model-versions/transition-stage', { name: 'bench', version: '1', stage, archive_existing_versions: false });
  };
  const timed = async (fn: () => Promise<unknown>) => {
    const started = performance.now();
    await fn();
    return performance.now() - started;
  };
  // Through HTTP, as a client calls it (the helper's inject skips the socket; here we use real HTTP).
  const viaHttp = (stage: string) => () =>
    fetch(`${t.baseUrl}/models/bench/versions/1/promote`, {
      method: 'POST',
      headers: { authorization: `Bearer ${promoter}`, 'content-type': 'application/json' },
      body: JSON.stringify({ stage, reason: 'benchmark round' }),
    }).then(async (r) => {
      if (r.status !== 200) throw new Error(`promote ${stage}: ${r.status} ${await r.text()}`);
    });
  try {
    expect((await promote(t, promoter, 'bench', 1, 'Staging')).status).toBe(200);
    mlflow.setLatency(LATENCY_MS);
    const samples = { promoteArchive: [] as number[], rawArchive: [] as number[], promoteStaging: [] as number[], rawStaging: [] as number[] };
    for (let i = 0; i < ROUNDS + 10; i++) {
      const a = await timed(viaHttp('Archived'));
      const ra = await timed(() => raw('Archived', false));
      const s = await timed(viaHttp('Staging'));
      const rs = await timed(() => raw('Staging', true));
      if (i < 10) continue; // warm-up
      samples.promoteArchive.push(a);
      samples.rawArchive.push(ra);
      samples.promoteStaging.push(s);
      samples.rawStaging.push(rs);
    }
    const line = (name: string, p: number[], r: number[]) =>
      `${name.padEnd(34)} promote ${mean(p).toFixed(1)} ms (p95 ${p95(p).toFixed(1)})  raw ${mean(r).toFixed(1)} ms  ratio ${(mean(p) / mean(r)).toFixed(2)}`;
    process.stdout.write(
      [
        '',
        `promote latency (${ROUNDS} rounds, MLflow at ${LATENCY_MS} ms per call; target <= 1.3x)`,
        line('Staging -> Archived (2 calls)', samples.promoteArchive, samples.rawArchive),
        line('Archived -> Staging, policy (3 calls)', samples.promoteStaging, samples.rawStaging),
        '',
      ].join('\n'),
    );
  } finally {
    await t.close();
    await mlflow.stop();
  }
});
