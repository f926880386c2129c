import { startupDone } from './startup-heap'; // first: before the modules it is about are loaded
import 'reflect-metadata';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/app-config';
import { resolveDatabase } from './database/database-server';
import { EmbeddedDatabaseUnreachableError } from './database/embedded-access';
import { createRootLogger } from './logging/logger';

const SHUTDOWN_GRACE_MS = 25_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`modelgate: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createRootLogger(config.logLevel);
  let database;
  try {
    database = await resolveDatabase(config, logger);
  } catch (err) {
    if (err instanceof EmbeddedDatabaseUnreachableError) {
      process.stderr.write(`modelgate: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  let app;
  try {
    app = await createApp(config, database.url, logger);
    await app.listen(config.port, config.host);
  } catch (err) {
    logger.fatal({ err }, 'modelgate could not start');
    await database.stop();
    process.exit(1);
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ host: config.host, port }, `modelgate listening on http://${config.host}:${port}`);
  startupDone();

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests');
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    try {
      await app.close();
    } finally {
      await database.stop();
    }
    process.exit(0);
  };
  process.once('SIGTERM', (s) => void shutdown(s));
  process.once('SIGINT', (s) => void shutdown(s));
}

void main();
