import type { Tx } from '../database/transactions';
import type { NewOutboxItem, OutboxItem, OutboxKind, OutboxStatus } from './notification.types';

/** The result of one attempt, to record on a claimed row. */
export interface AttemptRecord {
  id: string;
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
  /** Adds the rows whose dedupe key is new; returns how many were added. */
  abstract insert(tx: Tx, items: NewOutboxItem[]): Promise<number>;
  /**
   * Locks up to `limit` pending rows that are due, skipping rows other workers hold. The locks last
   * until `tx` ends, so a worker that dies mid-send simply releases them.
   */
  abstract claimDue(tx: Tx, limit: number): Promise<OutboxItem[]>;
  abstract recordAttempts(tx: Tx, records: AttemptRecord[]): Promise<void>;
  abstract list(filter: OutboxFilter): Promise<OutboxItem[]>;
  abstract findById(id: string): Promise<OutboxItem | undefined>;
  abstract listByExecutions(executionArns: string[]): Promise<OutboxItem[]>;
  /** A dead row back to pending, due now, with its attempts reset; undefined unless it was dead. */
  abstract revive(id: string): Promise<OutboxItem | undefined>;
  /** Rows still to deliver and the age of the oldest, for readiness and metrics. */
  abstract pendingSummary(): Promise<{ pending: number; oldestCreatedAt: Date | null }>;
}
