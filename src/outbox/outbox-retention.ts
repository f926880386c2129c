import { Inject, Injectable } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Retention, RetentionReport } from '../database/retention';
import { Transactions } from '../database/transactions';
import { OutboxStore } from './outbox.store';

/** Daily: deletes rows (notifications and bus events) delivered more than RETENTION_DAYS ago; never a pending or dead one. */
@Injectable()
export class OutboxRetention {
  private readonly retention: Retention;

  constructor(store: OutboxStore, transactions: Transactions, @Inject(APP_CONFIG) config: AppConfig) {
    this.retention = new Retention('outbox', (cutoff, limit) => store.purgeDelivered(cutoff, limit), transactions, config);
  }

  @Cron('17 3 * * *', { name: 'retention:outbox' })
  scheduled(): Promise<void> {
    return this.retention.scheduled();
  }

  runOnce(now?: Date): Promise<RetentionReport> {
    return this.retention.runOnce(now);
  }
}
