import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { isRowRefused, sqlStateOf } from './sql-errors';

/**
 * An open database transaction, opaque to services: they pass it from `Transactions.run` to the
 * stores, which unwrap it with {@link entityManagerOf}. Services never see TypeORM.
 */
export interface Tx {
  readonly __tx: unique symbol;
}

/** One database connection holding a session-level advisory lock; its transactions run on that connection. */
export interface LockedSession {
  run<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Reads on the session's connection, outside any transaction: at READ COMMITTED each statement
   * sees its own snapshot anyway, so BEGIN and COMMIT around reads cost two round trips for nothing.
   */
  read<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
}

/** Runs work in a transaction: `Transactions.run`, or a locked session's `run` (on its own connection). */
export type TxRunner = <T>(work: (tx: Tx) => Promise<T>) => Promise<T>;

/** Raised by {@link Transactions.withSessionLock} when the lock stays taken for the whole wait. */
export class LockTimeoutError extends Error {
  constructor(readonly lockName: string) {
    super(`Timed out waiting for lock ${lockName}`);
  }
}

/** The unit of work a use case runs in: everything in `work` commits together or not at all. */
export abstract class Transactions {
  abstract run<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Holds the advisory lock `name` on one connection across several transactions (e.g. commit
   * `applying`, call MLflow, commit `completed`). Waiting polls without holding a connection, so
   * many waiters cannot exhaust the pool; a crash drops the connection and with it the lock.
   * Throws {@link LockTimeoutError} after `waitMs`.
   */
  abstract withSessionLock<T>(name: string, waitMs: number, work: (session: LockedSession) => Promise<T>): Promise<T>;
  /**
   * Takes a transaction-scoped advisory lock named `name` (e.g. `promotion:recsys`), waiting for it;
   * it is released at commit or rollback. Serialises replicas through PostgreSQL.
   */
  abstract lock(tx: Tx, name: string): Promise<void>;
  /** Like {@link lock}, but answers false at once when another transaction holds it. */
  abstract tryLock(tx: Tx, name: string): Promise<boolean>;
  /**
   * True when a failed transaction of several items' rows may succeed for all but one of them done
   * one at a time: one row's values were refused, or it deadlocked with a concurrent one.
   */
  abstract isOneRowsFault(err: unknown): boolean;
}

const MANAGER = Symbol('entityManager');
const DEADLOCK_DETECTED = '40P01';
const logger = new Logger('Transactions');

/**
 * Releases a connection that holds a session-level advisory lock. When the unlock fails, the
 * connection is closed instead of pooled: PostgreSQL drops the lock with the session, and pg-pool
 * discards a client that has ended rather than hand it (and its lock) to the next caller.
 */
export async function unlockAndRelease(runner: QueryRunner, unlockSql: string, params: unknown[]): Promise<void> {
  try {
    await runner.query(unlockSql, params);
  } catch (err) {
    logger.warn({ err }, 'could not release a session advisory lock; closing its connection instead');
    const client = (await runner.connect()) as { end(): Promise<void> };
    await client.end().catch(() => undefined);
  }
  await runner.release();
}

/** For stores: the EntityManager of a transaction, or the default one outside any. */
export function entityManagerOf(tx: Tx | undefined, fallback: EntityManager): EntityManager {
  return tx ? (tx as unknown as { [MANAGER]: EntityManager })[MANAGER] : fallback;
}

@Injectable()
export class TypeOrmTransactions extends Transactions {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work({ [MANAGER]: manager } as unknown as Tx));
  }

  async withSessionLock<T>(name: string, waitMs: number, work: (session: LockedSession) => Promise<T>): Promise<T> {
    const deadline = Date.now() + waitMs;
    for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
      const runner = this.dataSource.createQueryRunner();
      await runner.connect();
      let locked = false;
      try {
        const rows: { locked: boolean }[] = await runner.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [name]);
        locked = rows[0].locked;
        if (locked) return await work({ run: (fn) => this.inSession(runner, fn), read: (fn) => fn({ [MANAGER]: runner.manager } as unknown as Tx) });
      } finally {
        await (locked ? unlockAndRelease(runner, 'SELECT pg_advisory_unlock(hashtextextended($1, 0))', [name]) : runner.release());
      }
      if (Date.now() >= deadline) throw new LockTimeoutError(name);
      await new Promise((r) => setTimeout(r, pause + Math.random() * pause));
    }
  }

  private async inSession<T>(runner: QueryRunner, work: (tx: Tx) => Promise<T>): Promise<T> {
    await runner.startTransaction();
    try {
      const result = await work({ [MANAGER]: runner.manager } as unknown as Tx);
      await runner.commitTransaction();
      return result;
    } catch (err) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    }
  }

  async lock(tx: Tx, name: string): Promise<void> {
    // hashtextextended gives a 64-bit key from the name: distinct names practically never collide.
    await entityManagerOf(tx, this.dataSource.manager).query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [name]);
  }

  async tryLock(tx: Tx, name: string): Promise<boolean> {
    const rows: { locked: boolean }[] = await entityManagerOf(tx, this.dataSource.manager).query(
      'SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked',
      [name],
    );
    return rows[0].locked;
  }

  isOneRowsFault(err: unknown): boolean {
    return isRowRefused(err) || sqlStateOf(err) === DEADLOCK_DETECTED;
  }
}
