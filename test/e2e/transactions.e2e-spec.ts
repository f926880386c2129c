import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { LockTimeoutError, TypeOrmTransactions, entityManagerOf } from '../../src/database/transactions';
import { createTestDatabase, withDatabase } from '../helpers/test-database';

describe('Transactions', () => {
  let ds: DataSource;
  let tx: TypeOrmTransactions;
  let url: string;
  beforeAll(async () => {
    url = await createTestDatabase();
    ds = await new DataSource({ ...buildDataSourceOptions(url), extra: { max: 3 } }).initialize();
    await ds.query('CREATE TABLE events (n int)');
    tx = new TypeOrmTransactions(ds);
  });
  afterAll(() => ds.destroy());

  it('serialises 12 holders of one session lock on a pool of 3 connections, without deadlock', async () => {
    const order: string[] = [];
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        tx.withSessionLock('model:recsys', 10_000, async (session) => {
          order.push(`start${i}`);
          await session.run(async () => undefined);
          await new Promise((r) => setTimeout(r, 5));
          await session.run(async () => undefined);
          order.push(`end${i}`);
        }),
      ),
    );
    // Never two holders at once: every start is followed by its own end.
    for (let k = 0; k < order.length; k += 2) expect(order[k + 1]).toBe(order[k].replace('start', 'end'));
  });

  it('commits each session transaction on its own and rolls back a failing one', async () => {
    await tx.withSessionLock('model:x', 1000, async (session) => {
      await session.run(async (t) => {
        await entityManagerOf(t, ds.manager).query('INSERT INTO events VALUES (1)');
      });
      await expect(
        session.run(async (t) => {
            await entityManagerOf(t, ds.manager).query('INSERT INTO events VALUES (2)');
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
    });
    expect(await ds.query('SELECT n FROM events ORDER BY n')).toEqual([{ n: 1 }]);
  });

  it('gives up with LockTimeoutError when the lock stays taken', async () => {
    let release!: () => void;
    const held = tx.withSessionLock('model:busy', 1000, () => new Promise<void>((r) => (release = r)));
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await expect(tx.withSessionLock('model:busy', 300, async () => undefined)).rejects.toBeInstanceOf(LockTimeoutError);
    expect(Date.now() - started).toBeLessThan(1500);
    release();
    await held;
  });

  it('lets only one transaction hold a transaction lock at a time', async () => {
    const results = await Promise.all(
      [1, 2].map(() => tx.run(async (t) => {
        const got = await tx.tryLock(t, 'audit-chain-test');
        await new Promise((r) => setTimeout(r, 100));
        return got;
      })),
    );
    expect(results.sort()).toEqual([false, true]);
  });

  it('closes a connection whose unlock fails, so neither the lock nor its session state reach the next caller', async () => {
    const name = 'model:unlock-refused';
    await tx.withSessionLock(name, 1000, (session) =>
      session.run(async (t) => {
        const em = entityManagerOf(t, ds.manager);
        await em.query('CREATE SCHEMA unlock_trap');
        await em.query(`CREATE FUNCTION unlock_trap.pg_advisory_unlock(bigint) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'unlock refused'; END $$`);
        // Session-wide, so the unlock after the work resolves to the function above and fails.
        await em.query('SET search_path = unlock_trap, pg_catalog, public');
      }),
    );
    const other = await withDatabase(url, (c) => c.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS got', [name]));
    expect(other.rows[0].got).toBe(true);
    expect(await ds.query('SHOW search_path')).toEqual([{ search_path: '"$user", public' }]);
    await tx.withSessionLock(name, 1000, async () => undefined);
  });
});
