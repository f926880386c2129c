import { DataSource } from 'typeorm';
import { unlockAndRelease } from './transactions';

/** Any fixed number: the advisory lock that keeps two replicas from migrating at once. */
const MIGRATION_LOCK = 727_100_001;

/** Runs pending migrations, one replica at a time. Returns the names applied. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await unlockAndRelease(runner, 'SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}
