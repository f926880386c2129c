import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/**
 * An open database transaction, opaque to services: they pass it from `Transactions.run` to the
 * stores, which unwrap it with {@link entityManagerOf}. Services never see TypeORM.
 */
export interface Tx {
  readonly __tx: unique symbol;
}

/** The unit of work a use case runs in: everything in `work` commits together or not at all. */
export abstract class Transactions {
  abstract run<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Takes a transaction-scoped advisory lock named `name` (e.g. `promotion:recsys`), waiting for it;
   * it is released at commit or rollback. Serialises replicas through PostgreSQL.
   */
  abstract lock(tx: Tx, name: string): Promise<void>;
  /** Like {@link lock}, but answers false at once when another transaction holds it. */
  abstract tryLock(tx: Tx, name: string): Promise<boolean>;
}

const MANAGER = Symbol('entityManager');

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
}
