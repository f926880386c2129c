/**
 * Restart to ready on a built tree (embedded PostgreSQL included, as `npm start` runs it) and the
 * app's resident memory (the Node process only, not PostgreSQL): idle 5 s after start, and the peak
 * under deploy-gate load (20 connections, 10 s). Targets: ≤ 3 s; ≤ 120 / 200 MiB.
 *
 *   npm run bench -- bench/process
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeMlflow } from '../test/fakes/mlflow';
import { startBenchApp } from './support/bench-app';
import { load } from './support/load';
import { recordTarget, say } from './support/results';

it('restart to ready, and RSS idle and under load', async () => {
  const mlflow = await FakeMlflow.start();
  mlflow.seed.recsysScenario('stages');
  const options = {
    embeddedDatabase: true,
    dataDir: mkdtempSync(join(tmpdir(), 'modelgate-bench-proc-')),
    readyPath: '/health/ready',
    env: { MLFLOW_TRACKING_URI: mlflow.url, ADMIN_API_KEY: 'bench-admin-key-0123456789', PROJECTS_DIR: join(__dirname, '..', 'test', 'fixtures', 'projects') },
  };
  await (await startBenchApp(options)).stop(); // the first start initialises the embedded database

  const started = performance.now();
  const app = await startBenchApp(options);
  const restartMs = performance.now() - started;
  try {
    await new Promise((r) => setTimeout(r, 5000));
    const idle = app.rssMiB();
    const headers = { authorization: 'Bearer bench-admin-key-0123456789' };
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, app.rssMiB())), 200);
    const result = await load(`${app.url}/deploy-gate/recsys?env=prd`, { connections: 20, durationS: 10, headers });
    clearInterval(sampler);
    say(
      '',
      `restart to ready (built tree, embedded PostgreSQL): ${(restartMs / 1000).toFixed(2)} s (target <= 3 s)`,
      `app RSS idle 5 s after start: ${idle.toFixed(0)} MiB (target <= 120); under gate load (${result.requestsPerSecond.toFixed(0)} req/s, non-2xx ${result.non2xx}): peak ${peak.toFixed(0)} MiB (target <= 200)`,
    );
    recordTarget({
      order: 5,
      measure: 'RSS idle (5 s after start, no load) / peak under gate load (20 connections)',
      baseline: 'none: the app process\'s VmRSS (PostgreSQL not counted)',
      measured: `${idle.toFixed(0)} / ${peak.toFixed(0)} MiB`,
      target: '≤ 120 / 200 MiB',
      met: idle <= 120 && peak <= 200,
    });
    recordTarget({
      order: 7,
      measure: 'restart to ready (built tree, embedded PostgreSQL)',
      baseline: 'none: from spawn to /health/ready answering 200',
      measured: `${(restartMs / 1000).toFixed(2)} s`,
      target: '≤ 3 s',
      met: restartMs <= 3000,
    });
  } finally {
    await app.stop();
    await mlflow.stop();
  }
});
