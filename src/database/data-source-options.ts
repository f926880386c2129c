import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';

/** DATABASE_POOL_SIZE's default. */
export const DEFAULT_POOL_SIZE = 10;

/**
 * The one set of TypeORM options, used by the app and by the migration CLI. The schema is only
 * ever changed by migrations; `synchronize` stays off.
 */
export function buildDataSourceOptions(url: string, entities: DataSourceOptions['entities'] = [], poolSize = DEFAULT_POOL_SIZE): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: { max: poolSize, connectionTimeoutMillis: 5000, application_name: 'modelgate' },
  };
}
