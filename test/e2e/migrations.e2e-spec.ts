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

  it('keeps idempotent answers stored as jsonb readable once they are kept as text', async () => {
    const ds = await new DataSource(buildDataSourceOptions(await createTestDatabase())).initialize();
    try {
      await runMigrations(ds);
      const undo = MIGRATIONS.length - MIGRATIONS.findIndex((m) => m.name === 'IdempotentAnswersAsText1764100100000');
      for (let i = 0; i < undo; i++) await ds.undoLastMigration({ transaction: 'each' });
      await ds.query(
        `INSERT INTO idempotency_keys (key_holder, key, route, request_hash, state, response_status, response_body)
         VALUES ('alice', 'k1', 'POST /x', repeat('a', 64), 'completed', 200, '{"id": "1", "status": "completed"}'::jsonb)`,
      );
      await runMigrations(ds);
      const [row] = await ds.query(`SELECT response_body FROM idempotency_keys WHERE key = 'k1'`);
      expect(JSON.parse(row.response_body)).toEqual({ id: '1', status: 'completed' });
    } finally {
      await ds.destroy();
    }
  });
});
