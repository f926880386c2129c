import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config';
import { RunningDatabase, startEmbeddedPostgres } from './embedded-postgres';

/** `DATABASE_URL` when set; otherwise an embedded PostgreSQL under the data directory. */
export async function resolveDatabase(config: AppConfig, logger: Logger): Promise<RunningDatabase> {
  if (config.databaseUrl) return { url: config.databaseUrl, stop: async () => undefined };
  return startEmbeddedPostgres(join(config.dataDir, 'pg'), logger);
}
