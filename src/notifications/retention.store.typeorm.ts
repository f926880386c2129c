import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RetentionStore } from './retention.store';

/**
 * Raw SQL over `outbox` and `pipeline_events` (the events feature's table): a pipeline event is
 * kept while any notification about its execution is (so an undelivered one always keeps it, and
 * a run is never listed without its notifications). The audit log is never touched.
 */
@Injectable()
export class TypeOrmRetentionStore extends RetentionStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {
    super();
  }

  async purgeDeliveredOutbox(cutoff: Date, limit: number): Promise<number> {
    const [, count]: [unknown, number] = await this.db.query(
      `DELETE FROM outbox WHERE id IN (
         SELECT id FROM outbox WHERE status = 'delivered' AND delivered_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [cutoff, limit],
    );
    return count;
  }

  async purgePipelineEvents(cutoff: Date, limit: number): Promise<number> {
    const [, count]: [unknown, number] = await this.db.query(
      `DELETE FROM pipeline_events WHERE id IN (
         SELECT p.id FROM pipeline_events p
         WHERE p.received_at < $1
           AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.execution_arn = p.execution_arn)
         LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [cutoff, limit],
    );
    return count;
  }
}
