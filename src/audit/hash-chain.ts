import { createHash } from 'node:crypto';
import { JsonObject, canonicalJson } from '../common/canonical-json';

/** prev_hash of the first event: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an audit event that its hash covers; `at` is ISO 8601 UTC with milliseconds. */
export interface ChainedFields {
  seq: number;
  at: string;
  actor: string;
  action: string;
  model: string | null;
  version: string | null;
  from_stage: string | null;
  to_stage: string | null;
  reason: string | null;
  details: JsonObject;
}

export interface ChainedRow extends ChainedFields {
  prev_hash: string;
  hash: string;
}

export interface ChainVerification {
  valid: boolean;
  /** Rows examined, oldest first; verification stops at the first broken one. */
  checked: number;
  first_broken_seq?: number;
  /** Why that row breaks the chain. */
  problem?: string;
}

/** Exactly the covered fields, whatever else the row carries. */
function coveredFields(row: ChainedFields): ChainedFields {
  const { seq, at, actor, action, model, version, from_stage, to_stage, reason, details } = row;
  return { seq, at, actor, action, model, version, from_stage, to_stage, reason, details };
}

/** sha256 over the UTF-8 of `prev_hash ‖ canonical JSON of the covered fields`, lowercase hex. */
export function hashEvent(prevHash: string, fields: ChainedFields): string {
  return createHash('sha256').update(prevHash, 'utf8').update(canonicalJson(coveredFields(fields)), 'utf8').digest('hex');
}

/** The row that follows `prevHash` in the chain. */
export function chainEvent(prevHash: string, fields: ChainedFields): ChainedRow {
  return { ...coveredFields(fields), prev_hash: prevHash, hash: hashEvent(prevHash, fields) };
}

/**
 * Checks a chain fed in seq order, in as many batches as the caller likes, so a long chain never
 * has to sit in memory at once. Each row must carry the next seq, point at the previous row's stored
 * hash, and re-hash to its own stored hash.
 */
export class ChainVerifier {
  private prevHash = GENESIS_HASH;
  private expectedSeq = 1;
  private checked = 0;
  private broken?: { seq: number; problem: string };

  /** Feeds the next rows; answers false once the chain is broken (later rows are then ignored). */
  feed(rows: Iterable<ChainedRow>): boolean {
    for (const row of rows) {
      if (this.broken) return false;
      this.checked += 1;
      const problem = this.problemOf(row);
      if (problem) {
        this.broken = { seq: row.seq, problem };
        return false;
      }
      this.prevHash = row.hash;
      this.expectedSeq = row.seq + 1;
    }
    return !this.broken;
  }

  get result(): ChainVerification {
    if (!this.broken) return { valid: true, checked: this.checked };
    return { valid: false, checked: this.checked, first_broken_seq: this.broken.seq, problem: this.broken.problem };
  }

  private problemOf(row: ChainedRow): string | undefined {
    if (row.seq !== this.expectedSeq) {
      return `expected seq ${this.expectedSeq} but found ${row.seq}: rows are missing or were renumbered`;
    }
    const previous = this.expectedSeq === 1 ? 'the genesis hash' : `the hash of seq ${this.expectedSeq - 1}`;
    if (row.prev_hash !== this.prevHash) return `its prev_hash is not ${previous}`;
    let recomputed: string;
    try {
      recomputed = hashEvent(row.prev_hash, row);
    } catch (err) {
      return `its fields cannot be canonicalized: ${(err as Error).message}`;
    }
    return recomputed === row.hash ? undefined : 'it does not re-hash to its stored hash: its content was altered';
  }
}

/** Verifies a whole chain held in memory (oldest first). */
export function verifyChain(rows: Iterable<ChainedRow>): ChainVerification {
  const verifier = new ChainVerifier();
  verifier.feed(rows);
  return verifier.result;
}
