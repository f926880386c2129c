import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../config/app-config';
import { createRootLogger } from '../logging/logger';
import { buildDataSourceOptions } from './data-source-options';
import { resolveDatabase } from './database-server';
import { runMigrations } from './migrator';

/** `npm run migration:run|revert|show`: on DATABASE_URL, or on the embedded PostgreSQL when it is unset. */
async function main(command: string | undefined): Promise<void> {
  if (!command || !['run', 'revert', 'show'].includes(command)) {
    throw new Error('usage: migrate run|revert|show');
  }
  const config = loadConfig();
  const logger = createRootLogger(config.logLevel === 'silent' ? 'silent' : 'info');
  const database = await resolveDatabase(config, logger);
  const dataSource = await new DataSource(buildDataSourceOptions(database.url, [], config.databasePoolSize)).initialize();
  try {
    if (command === 'run') {
      const applied = await runMigrations(dataSource);
      logger.info({ applied }, applied.length ? 'migrations applied' : 'no pending migrations');
    } else if (command === 'revert') {
      await dataSource.undoLastMigration({ transaction: 'each' });
      logger.info('last migration reverted');
    } else {
      const pending = await dataSource.showMigrations();
      logger.info({ pending }, pending ? 'there are pending migrations' : 'the schema is up to date');
    }
  } finally {
    await dataSource.destroy();
    await database.stop();
  }
}

main(process.argv[2]).catch((err: unknown) => {
  process.stderr.write(`${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
