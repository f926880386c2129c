import { Injectable, Logger } from '@nestjs/common';
import { Page, SEQ_PAGES } from '../common/http/pagination';
import { AUDIT_CSV_HEADER, auditEventCsvRecord } from './audit-csv';
import { AuditEvent } from './audit-entry';
import { AuditFilter, AuditStore } from './audit.store';
import { ChainVerification, ChainVerifier } from './hash-chain';

/** Rows per query when exporting and verifying: the whole log is never held in memory. */
const EXPORT_BATCH = 500;
const VERIFY_BATCH = 1000;

/** Reads the audit log: lists, CSV export, chain verification. */
@Injectable()
export class AuditReader {
  private readonly logger = new Logger(AuditReader.name);

  constructor(private readonly store: AuditStore) {}

  /** Newest first, keyset-paged by seq (stable while events are appended). */
  async list(filter: AuditFilter, maxResults: number, pageToken?: string): Promise<Page<AuditEvent>> {
    const beforeSeq = SEQ_PAGES.decode(pageToken)?.before_seq;
    const rows = await this.store.newestFirst(filter, beforeSeq, maxResults + 1);
    return SEQ_PAGES.page(rows, maxResults, (last) => ({ before_seq: last.seq }));
  }

  /** The newest event matching `filter` (e.g. when a version last entered Staging). */
  async latest(filter: AuditFilter): Promise<AuditEvent | undefined> {
    return (await this.store.newestFirst(filter, undefined, 1))[0];
  }

  /**
   * Every event matching `filter` as RFC 4180 CSV, oldest first, in batches. The log is cut at the
   * newest event when the export starts, and the first batch is read before answering, so a
   * database failure is an error answer rather than a truncated file.
   */
  async exportCsv(filter: AuditFilter): Promise<AsyncIterable<string>> {
    const upToSeq = await this.store.lastSeq();
    const first = await this.store.oldestFirst(filter, 0, upToSeq, EXPORT_BATCH);
    return this.csvChunks(filter, upToSeq, first);
  }

  /** Recomputes the whole chain, oldest first, up to the newest event when it starts. */
  async verify(): Promise<ChainVerification> {
    const upToSeq = await this.store.lastSeq();
    const verifier = new ChainVerifier();
    for (let afterSeq = 0; afterSeq < upToSeq; ) {
      const batch = await this.store.oldestFirst({}, afterSeq, upToSeq, VERIFY_BATCH);
      if (batch.length === 0 || !verifier.feed(batch)) break;
      afterSeq = batch[batch.length - 1].seq;
    }
    const result = verifier.result;
    if (!result.valid) this.logger.error({ ...result }, 'the audit chain is broken');
    return result;
  }

  /** Newest first, with seq below `beforeSeq` (when given): for features that page their own view of the log. */
  newestBefore(filter: AuditFilter, beforeSeq: number | undefined, limit: number): Promise<AuditEvent[]> {
    return this.store.newestFirst(filter, beforeSeq, limit);
  }

  /** Every event matching `filter`, oldest first, read in batches up to the newest when it starts. */
  async *oldestFirst(filter: AuditFilter): AsyncGenerator<AuditEvent> {
    const upToSeq = await this.store.lastSeq();
    for (let afterSeq = 0; afterSeq < upToSeq; ) {
      const batch = await this.store.oldestFirst(filter, afterSeq, upToSeq, EXPORT_BATCH);
      yield* batch;
      if (batch.length < EXPORT_BATCH) return;
      afterSeq = batch[batch.length - 1].seq;
    }
  }

  private async *csvChunks(filter: AuditFilter, upToSeq: number, first: AuditEvent[]): AsyncGenerator<string> {
    yield AUDIT_CSV_HEADER;
    let batch = first;
    while (batch.length > 0) {
      yield batch.map(auditEventCsvRecord).join('');
      if (batch.length < EXPORT_BATCH) return;
      batch = await this.store.oldestFirst(filter, batch[batch.length - 1].seq, upToSeq, EXPORT_BATCH);
    }
  }
}
