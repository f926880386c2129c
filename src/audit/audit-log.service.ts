import { Injectable, Logger } from '@nestjs/common';
import { Transactions, Tx } from '../database/transactions';
import { AuditEntry, AuditEvent, chainedFieldsOf } from './audit-entry';
import { AuditStore } from './audit.store';
import { GENESIS_HASH, chainEvent } from './hash-chain';

/** The advisory lock that serialises appends across replicas, so the chain never forks. */
export const AUDIT_CHAIN_LOCK = 'audit-chain';

/** Appends to the hash-chained audit log. */
@Injectable()
export class AuditLog {
  private readonly logger = new Logger(AuditLog.name);

  constructor(
    private readonly store: AuditStore,
    private readonly transactions: Transactions,
  ) {}

  /**
   * Records `entry` in the caller's transaction (from `Transactions.run`), so the fact and its audit
   * event commit together or not at all. The chain lock is then held until that transaction ends:
   * call this last in it, and do not wait on other connections after it.
   */
  async append(entry: AuditEntry, tx: Tx): Promise<AuditEvent> {
    await this.transactions.lock(tx, AUDIT_CHAIN_LOCK);
    const head = await this.store.head(tx);
    // `at` is taken under the lock, so on one replica it never goes back along the chain.
    const fields = chainedFieldsOf(entry, (head?.seq ?? 0) + 1, new Date());
    const event = chainEvent(head?.hash ?? GENESIS_HASH, fields) as AuditEvent;
    await this.store.insert(event, tx);
    this.logger.debug({ seq: event.seq, action: event.action, actor: event.actor }, 'audit event appended');
    return event;
  }
}
