import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations';

/**
 * The one set of TypeORM options, used by the app and by the migration CLI. The schema is only
 * ever changed by migrations; `synchronize` stays off.
 */
export function buildDataSourceOptions(url: string, entities: DataSourceOptions['entities'] = []): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: { max: 10, connectionTimeoutMillis: 5000, application_name: 'modelgate' },
  };
}
