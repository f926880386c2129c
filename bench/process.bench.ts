/**
 * Restart to ready on a built tree (embedded PostgreSQL included) and the app's resident memory
 * (the Node process only, not PostgreSQL), idle and under deploy-gate load. Targets: ≤ 3 s; ≤ 150 /
 * 250 MiB. Needs `npm run build` first (it runs dist/src/main.js).
 *
 *   npm run build && npm run bench -- bench/process
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnApp, stopApp } from '../test/helpers/app-process';
import { FakeMlflow } from '../test/fakes/mlflow';
import { load } from './load';

const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

async function untilReady(port: number): Promise<void> {
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

it('restart to ready, and RSS idle and under load', async () => {
  const mlflow = await FakeMlflow.start();
  mlflow.seed.recsysScenario('stages');
  const dataDir = mkdtempSync(join(tmpdir(), 'modelgate-bench-proc-'));
  const env = {
    PORT: '0',
    HOST: '127.0.0.1',
    MODELGATE_DATA_DIR: dataDir,
    MLFLOW_TRACKING_URI: mlflow.url,
    ADMIN_API_KEY: 'bench-admin-key-0123456789',
    PROJECTS_DIR: join(__dirname, '..', 'test', 'fixtures', 'projects'),
    LOG_LEVEL: 'info', // the helper waits for the 'listening' line
  };
  const first = spawnApp(env); // initialises the embedded database
  await untilReady(await first.listening);
  await stopApp(first);

  const started = performance.now();
  const app = spawnApp(env);
  const port = await app.listening;
  await untilReady(port);
  const restartMs = performance.now() - started;
  try {
    await new Promise((r) => setTimeout(r, 2000));
    const idle = rssMiB(app.child.pid!);
    const headers = { authorization: 'Bearer bench-admin-key-0123456789' };
    const loaded = load(`http://127.0.0.1:${port}/deploy-gate/recsys?env=prd`, { connections: 20, durationS: 10, headers });
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(app.child.pid!))), 250);
    const result = await loaded;
    clearInterval(sampler);
    process.stdout.write(
      [
        '',
        `restart to ready (built tree, embedded PostgreSQL): ${(restartMs / 1000).toFixed(2)} s (target <= 3 s)`,
        `app RSS idle: ${idle.toFixed(0)} MiB (target <= 150); under gate load (${result.requestsPerSecond.toFixed(0)} req/s): peak ${peak.toFixed(0)} MiB (target <= 250)`,
        '',
      ].join('\n'),
    );
  } finally {
    await stopApp(app);
    await mlflow.stop();
  }
});
