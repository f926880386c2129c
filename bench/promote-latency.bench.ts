/**
 * Promote latency over the raw MLflow calls it makes, the fake MLflow (in the bench's process)
 * answering each call after 10 ms. Target: ≤ 1.3×.
 *
 *   npm run bench -- bench/promote-latency        (BENCH_ROUNDS=100)
 *
 * A version cycles Staging → Archived → Staging. Promoting to Staging under a metrics policy needs
 * model-versions/get, runs/get and transition-stage; to Archived (no policy) model-versions/get
 * and transition-stage; then, both, the version's provenance tags (model-versions/set-tag, all at
 * once). Each round times the promotion through HTTP to the app's process (auth, lock, policy, the
 * `applying` and `completed` commits, the audit append) and the same raw calls in the same order,
 * made the same way (the tags modelgate wrote, replayed at once), with fetch over keep-alive from
 * the bench's process, interleaved so machine noise hits both alike.
 */
import { FakeMlflow } from '../test/fakes/mlflow';
import { projectYaml } from '../test/helpers/promotions';
import { startBenchApp } from './support/bench-app';
import { recordTarget, say } from './support/results';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 100);
const LATENCY_MS = 10;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];
const BASELINE = `the same MLflow calls in the same order, made the same way (the provenance tags at once), with fetch (keep-alive) from the bench's process; the fake answers each after ${LATENCY_MS} ms`;

it('promote vs the raw MLflow calls it makes', async () => {
  const mlflow = await FakeMlflow.start();
  const v = mlflow.seed.modelVersion({ name: 'bench', run: { metrics: { roc_auc: 0.9 } } });
  const app = await startBenchApp({ env: { MLFLOW_TRACKING_URI: mlflow.url, NOTIFY_WORKER_ENABLED: 'false' } });
  const api = `${mlflow.url}/api/2.0/mlflow`;
  const call = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${api}/${path}`, init);
    await res.json();
  };
  const post = (path: string, body: unknown) => call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  /** The provenance tags modelgate wrote after each transition (modelgate.stage, promotion_id…), replayed as it sends them: all at once. */
  const tagsOf: Record<string, unknown[]> = {};
  const raw = async (stage: string, withRun: boolean) => {
    await call('model-versions/get?name=bench&version=1');
    if (withRun) await call(`runs/get?run_id=${v.runId}`);
    await post('model-versions/transition-stage', { name: 'bench', version: '1', stage, archive_existing_versions: false });
    await Promise.all((tagsOf[stage] ?? []).map((tag) => post('model-versions/set-tag', tag)));
  };
  const timed = async (fn: () => Promise<unknown>) => {
    const started = performance.now();
    await fn();
    return performance.now() - started;
  };
  try {
    const put = await fetch(`${app.url}/projects/benchp`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${app.adminKey}`, 'content-type': 'application/yaml' },
      body: projectYaml('benchp', 'bench', 'promotion:\n  Staging: { metrics: { roc_auc: ">= 0.8" } }'),
    });
    if (put.status >= 300) throw new Error(`PUT /projects/benchp: ${put.status} ${await put.text()}`);
    const promoter = await app.createKey('bench-promoter', ['promoter']);
    const viaHttp = (stage: string) => () =>
      fetch(`${app.url}/models/bench/versions/1/promote`, {
        method: 'POST',
        headers: { authorization: `Bearer ${promoter}`, 'content-type': 'application/json' },
        body: JSON.stringify({ stage, reason: 'benchmark round' }),
      }).then(async (r) => {
        const text = await r.text();
        if (r.status !== 200) throw new Error(`promote ${stage}: ${r.status} ${text}`);
      });
    await viaHttp('Staging')();
    for (const stage of ['Archived', 'Staging']) {
      const seen = mlflow.requests.length;
      await viaHttp(stage)();
      tagsOf[stage] = mlflow.requests.slice(seen).filter((r) => r.path.endsWith('/model-versions/set-tag')).map((r) => r.body);
    }
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
    const ratio = (p: number[], r: number[]) => mean(p) / mean(r);
    const line = (name: string, p: number[], r: number[]) =>
      `  ${name.padEnd(38)} promote ${mean(p).toFixed(1)} ms (p95 ${p95(p).toFixed(1)})  raw ${mean(r).toFixed(1)} ms  ratio ${ratio(p, r).toFixed(2)}`;
    const archive = ratio(samples.promoteArchive, samples.rawArchive);
    const staging = ratio(samples.promoteStaging, samples.rawStaging);
    say(
      '',
      `promote latency (${ROUNDS} rounds each way; baseline: ${BASELINE}; target <= 1.3x)`,
      line(`Staging -> Archived (2 calls + ${tagsOf.Archived.length} tags)`, samples.promoteArchive, samples.rawArchive),
      line(`Archived -> Staging, policy (3 calls + ${tagsOf.Staging.length} tags)`, samples.promoteStaging, samples.rawStaging),
    );
    recordTarget({
      order: 4,
      measure: `promote vs the raw MLflow calls it makes (fake at ${LATENCY_MS} ms per call)`,
      baseline: BASELINE,
      measured: `${staging.toFixed(2)}× (3 calls + tags: ${mean(samples.promoteStaging).toFixed(1)} vs ${mean(samples.rawStaging).toFixed(1)} ms), ${archive.toFixed(2)}× (2 calls + tags)`,
      target: '≤ 1.3×',
      met: Math.max(staging, archive) <= 1.3,
    });
  } finally {
    await app.stop();
    await mlflow.stop();
  }
});
