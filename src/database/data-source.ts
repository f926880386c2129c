import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { buildDataSourceOptions } from './data-source-options';

/**
 * For `typeorm migration:generate` only, which needs a running server: point DATABASE_URL at one
 * (`npm start` once prints nothing secret; use an external PostgreSQL or the embedded one's URL).
 */
const config = loadConfig();
if (!config.databaseUrl) {
  throw new Error('migration:generate needs DATABASE_URL; run, revert and show work without it (npm run migration:run)');
}
export default new DataSource(buildDataSourceOptions(config.databaseUrl, [`${__dirname}/../**/*.entity.js`], config.databasePoolSize));
