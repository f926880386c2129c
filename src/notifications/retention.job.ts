import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { LockTimeoutError, Transactions } from '../database/transactions';
import { RetentionStore } from './retention.store';

export const RETENTION_LOCK = 'retention';
/** Rows deleted per statement, so no purge holds many row locks or a long transaction. */
const BATCH = 1000;
const DAY_MS = 24 * 3600_000;

export interface RetentionReport {
  skipped: boolean;
  notifications: number;
  pipelineEvents: number;
}

/**
 * Daily: deletes notifications delivered more than RETENTION_DAYS ago, then pipeline events older
 * than that whose execution has no notification left. Never an undelivered notification (pending or
 * dead), so never the events of its execution; never the audit log. One replica at a time.
 */
@Injectable()
export class RetentionJob {
  private readonly logger = new Logger(RetentionJob.name);

  constructor(
    private readonly store: RetentionStore,
    private readonly transactions: Transactions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Cron('17 3 * * *', { name: 'retention' })
  async scheduled(): Promise<void> {
    await this.runOnce().catch((err) => this.logger.warn({ err }, 'retention failed; tomorrow again'));
  }

  async runOnce(now = new Date()): Promise<RetentionReport> {
    const cutoff = new Date(now.getTime() - this.config.retentionDays * DAY_MS);
    try {
      return await this.transactions.withSessionLock(RETENTION_LOCK, 0, async () => {
        const notifications = await this.drain((limit) => this.store.purgeDeliveredOutbox(cutoff, limit));
        const pipelineEvents = await this.drain((limit) => this.store.purgePipelineEvents(cutoff, limit));
        this.logger.log({ cutoff: cutoff.toISOString(), notifications, pipeline_events: pipelineEvents }, 'retention purge done');
        return { skipped: false, notifications, pipelineEvents };
      });
    } catch (err) {
      if (err instanceof LockTimeoutError) return { skipped: true, notifications: 0, pipelineEvents: 0 };
      throw err;
    }
  }

  private async drain(purge: (limit: number) => Promise<number>): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await purge(BATCH);
      total += deleted;
      if (deleted < BATCH) return total;
    }
  }
}
