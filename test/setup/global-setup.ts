import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';

/**
 * One PostgreSQL server for the whole run (unless TEST_DATABASE_URL names one); every test file
 * creates its own fresh database on it, so runs and files never see each other's data.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return;
  const dir = mkdtempSync(join(tmpdir(), 'modelgate-test-pg-'));
  const server = await startEmbeddedPostgres(join(dir, 'pg'), pino({ level: 'silent' }), {
    persistent: false,
    database: 'postgres',
  });
  process.env.TEST_DATABASE_URL = server.url;
  (globalThis as { __modelgateTestPg?: typeof server }).__modelgateTestPg = server;
}
