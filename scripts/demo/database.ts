import { join } from 'node:path';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { RunningDatabase, startEmbeddedPostgres } from '../../src/database/embedded-postgres';

const DEMO_DATABASE = 'modelgate_demo';

/**
 * The embedded PostgreSQL under `dataDir/pg` (kept, so a demo killed with -9 is cleaned up by the
 * next one), with a fresh `modelgate_demo` database each start: the fake MLflow starts fresh too.
 */
export async function startDemoDatabase(dataDir: string, logger: Logger): Promise<RunningDatabase> {
  const server = await startEmbeddedPostgres(join(dataDir, 'pg'), logger, { database: 'postgres' });
  const admin = new Client({ connectionString: server.url });
  try {
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${DEMO_DATABASE}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${DEMO_DATABASE}"`);
  } catch (err) {
    await server.stop();
    throw err;
  } finally {
    await admin.end().catch(() => undefined);
  }
  const url = new URL(server.url);
  url.pathname = `/${DEMO_DATABASE}`;
  return { url: url.toString(), stop: () => server.stop() };
}
