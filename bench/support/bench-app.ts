import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../../test/helpers/test-database';

/** The built service: benches measure what production runs (`npm run build` first; `npm run bench` does it). */
export const MAIN_JS = join(__dirname, '..', '..', 'dist', 'src', 'main.js');

export interface BenchApp {
  url: string;
  pid: number;
  adminKey: string;
  databaseUrl: string;
  /** Where the app's stdout and stderr go (a file, as a container runtime would keep them). */
  logFile: string;
  createKey(name: string, roles: string[]): Promise<string>;
  rssMiB(): number;
  /** SIGTERM and wait; with `cpuProf`, answers the profile written at exit. */
  stop(): Promise<string | undefined>;
}

export interface BenchAppOptions {
  env?: Record<string, string>;
  /** Run under `node --cpu-prof`. */
  cpuProf?: boolean;
  /** Reuse a database; default: a fresh one on the bench's server. */
  databaseUrl?: string;
  /** No DATABASE_URL: the app starts its embedded PostgreSQL in `dataDir`, as `npm start` does. */
  embeddedDatabase?: boolean;
  /** MODELGATE_DATA_DIR, e.g. kept across a restart; default: a fresh one. */
  dataDir?: string;
  /** Resolve once this answers 200; default `/health/live` (it listens only after its migrations ran). */
  readyPath?: string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function untilAnswers(url: string, child?: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`process exited with ${child.exitCode} before ${url} answered`);
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

/**
 * `node dist/src/main.js` in its own process on a fresh database of the bench's PostgreSQL server,
 * its output to a file; resolves once it answers.
 */
export async function startBenchApp(options: BenchAppOptions = {}): Promise<BenchApp> {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run npm run build first`);
  const databaseUrl = options.embeddedDatabase ? '' : (options.databaseUrl ?? (await createTestDatabase()));
  const port = await freePort();
  const adminKey = options.env?.ADMIN_API_KEY ?? `mg_bench_admin_${randomBytes(16).toString('hex')}`;
  const work = mkdtempSync(join(tmpdir(), 'modelgate-bench-app-'));
  const logFile = join(work, 'app.log');
  const out = openSync(logFile, 'a');
  const profDir = join(work, 'prof');
  const env = {
    PATH: process.env.PATH ?? '',
    PORT: String(port),
    HOST: '127.0.0.1',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ADMIN_API_KEY: adminKey,
    MODELGATE_DATA_DIR: options.dataDir ?? join(work, 'data'),
    LOG_LEVEL: 'info',
    MLFLOW_TRACKING_URI: 'http://127.0.0.1:9',
    RECONCILE_INTERVAL_S: '3600',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIAMODELGATEBENCH00',
    AWS_SECRET_ACCESS_KEY: 'modelgate-bench-secret-not-real',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...options.env,
  };
  const args = options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, MAIN_JS] : [MAIN_JS];
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', out, out] });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await untilAnswers(`${url}${options.readyPath ?? '/health/live'}`, child);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}\n${readFileSync(logFile, 'utf8').slice(-4000)}`);
  }
  return {
    url,
    pid: child.pid!,
    adminKey,
    databaseUrl,
    logFile,
    async createKey(name, roles) {
      const res = await fetch(`${url}/api-keys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, roles }),
      });
      if (res.status !== 201) throw new Error(`creating key ${name}: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { key: string }).key;
    },
    rssMiB: () => rssOf(child.pid!),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
      if (!options.cpuProf || !existsSync(profDir)) return undefined;
      const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
      return file ? join(profDir, file) : undefined;
    },
  };
}
