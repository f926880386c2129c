import type { Tx } from '../database/transactions';
import type { Stage } from '../common/stage';
import { AuditAction } from './audit-action';
import { AuditEvent } from './audit-entry';

/** Which events to read; every field narrows. `since` is inclusive, `until` exclusive. */
export interface AuditFilter {
  model?: string;
  version?: string;
  actions?: AuditAction[];
  actor?: string;
  toStage?: Stage;
  since?: Date;
  until?: Date;
}

/** The last link of the chain. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** Where audit events live. Rows are only ever inserted. */
export abstract class AuditStore {
  /** The newest event's seq and hash, read inside `tx` (under the chain lock). */
  abstract head(tx: Tx): Promise<ChainHead | undefined>;
  abstract insert(event: AuditEvent, tx: Tx): Promise<void>;
  /** Newest first: events matching `filter` with seq below `beforeSeq` (when given). */
  abstract newestFirst(filter: AuditFilter, beforeSeq: number | undefined, limit: number): Promise<AuditEvent[]>;
  /** Oldest first: events matching `filter` with `afterSeq < seq <= upToSeq`. */
  abstract oldestFirst(filter: AuditFilter, afterSeq: number, upToSeq: number, limit: number): Promise<AuditEvent[]>;
  /** The highest seq committed so far (0 when empty). */
  abstract lastSeq(): Promise<number>;
}
