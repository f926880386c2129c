import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { runMigrations } from '../../src/database/migrator';
import { createTestDatabase } from '../helpers/test-database';

async function tables(ds: DataSource): Promise<string[]> {
  const rows: { table_name: string }[] = await ds.query(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations' ORDER BY 1",
  );
  return rows.map((r) => r.table_name);
}

describe('migrations', () => {
  it('run up on an empty database, revert all the way down, and run up again', async () => {
    const ds = await new DataSource(buildDataSourceOptions(await createTestDatabase())).initialize();
    try {
      const applied = await runMigrations(ds);
      expect(applied).toEqual(MIGRATIONS.map((m) => m.name));
      expect(await tables(ds)).toContain('api_keys');
      expect(await runMigrations(ds)).toEqual([]);

      for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration({ transaction: 'each' });
      expect(await tables(ds)).toEqual([]);

      expect(await runMigrations(ds)).toHaveLength(MIGRATIONS.length);
    } finally {
      await ds.destroy();
    }
  });

  it('let two replicas start at once without applying anything twice', async () => {
    const url = await createTestDatabase();
    const [a, b] = await Promise.all([1, 2].map(() => new DataSource(buildDataSourceOptions(url)).initialize()));
    try {
      const [ra, rb] = await Promise.all([runMigrations(a), runMigrations(b)]);
      expect([...ra, ...rb].sort()).toEqual(MIGRATIONS.map((m) => m.name).sort());
    } finally {
      await Promise.all([a.destroy(), b.destroy()]);
    }
  });
});
