import { Inject, Injectable } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Retention, RetentionReport } from '../database/retention';
import { Transactions } from '../database/transactions';
import { PipelineEventStore } from './pipeline-event.store';

/**
 * Daily, after the outbox's purge: deletes pipeline events received more than RETENTION_DAYS ago
 * whose execution has no notification left, so an undelivered notification always keeps the
 * events of its execution. The audit log is never purged.
 */
@Injectable()
export class PipelineEventRetention {
  private readonly retention: Retention;

  constructor(store: PipelineEventStore, transactions: Transactions, @Inject(APP_CONFIG) config: AppConfig) {
    this.retention = new Retention('pipeline_events', (cutoff, limit) => store.purgeSettled(cutoff, limit), transactions, config);
  }

  @Cron('37 3 * * *', { name: 'retention:pipeline_events' })
  scheduled(): Promise<void> {
    return this.retention.scheduled();
  }

  runOnce(now?: Date): Promise<RetentionReport> {
    return this.retention.runOnce(now);
  }
}
