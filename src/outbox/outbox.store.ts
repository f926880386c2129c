import type { Tx } from '../database/transactions';
import type { NewOutboxItem, OutboxItem, OutboxKind, OutboxStatus } from './outbox.types';

/** A row to add, held (not due) for `holdMs` when given. */
export interface OutboxRowToAdd extends NewOutboxItem {
  holdMs?: number;
}

/** A held row made due, with its final payload when given. */
export interface ReleasedRow {
  id: string;
  payload?: object;
}

/** The result of one attempt, to record on a claimed row. */
export interface AttemptRecord {
  id: string;
  /** The claim that sent it: the outcome is recorded only while the row is still under that lease. */
  leaseOwner: string;
  status: OutboxStatus;
  error: string | null;
  /** For `pending`: wait this long (from the database's now) before the next attempt. */
  delayMs: number;
}

export interface OutboxFilter {
  status?: OutboxStatus;
  kind?: OutboxKind;
  /** Rows with a smaller seq than this (keyset paging, newest first). */
  beforeSeq?: number;
  limit: number;
}

/** Where the outbox lives. */
export abstract class OutboxStore {
  /** Adds the rows whose dedupe key is new, each due after its hold; answers the ids of those added, by dedupe key. */
  abstract insert(tx: Tx, rows: OutboxRowToAdd[]): Promise<Map<string, string>>;
  /** Makes held rows due now, with their final payload where given; rows already claimed or tried are left alone. */
  abstract release(rows: ReleasedRow[]): Promise<void>;
  /**
   * Leases up to `limit` due pending rows to `lease.owner` for `lease.ms`, counting the attempt, and
   * commits that at once (no transaction stays open during the sends). Rows under another unexpired
   * lease are skipped; an expired lease (its worker died or hung) is taken over.
   */
  abstract claimDue(limit: number, lease: { owner: string; ms: number }): Promise<OutboxItem[]>;
  /** Records the outcomes and ends their leases; answers the ids recorded (a row whose lease was taken over is not). */
  abstract recordAttempts(tx: Tx, records: AttemptRecord[]): Promise<string[]>;
  abstract list(filter: OutboxFilter): Promise<OutboxItem[]>;
  abstract findById(id: string): Promise<OutboxItem | undefined>;
  abstract listByExecutions(executionArns: string[]): Promise<OutboxItem[]>;
  /** A dead row back to pending, due now, with its attempts reset; undefined unless it was dead. */
  abstract revive(id: string): Promise<OutboxItem | undefined>;
  /** Rows still to deliver and the age of the oldest, for readiness and metrics. */
  abstract pendingSummary(): Promise<{ pending: number; oldestCreatedAt: Date | null }>;
  /** Deletes at most `limit` rows delivered before `cutoff`; answers how many. */
  abstract purgeDelivered(cutoff: Date, limit: number): Promise<number>;
}
