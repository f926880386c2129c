import { Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { LockTimeoutError, Transactions } from './transactions';

/** Rows deleted per statement, so no purge holds many row locks or a long transaction. */
const BATCH = 1000;
const DAY_MS = 24 * 3600_000;

export interface RetentionReport {
  /** True when another replica was purging this table. */
  skipped: boolean;
  deleted: number;
}

/**
 * One feature's daily purge of its own table: rows older than RETENTION_DAYS, in batches, on one
 * replica at a time (a session lock named after the table). Each feature schedules its own.
 */
export class Retention {
  private readonly logger: Logger;

  constructor(
    private readonly table: string,
    private readonly purge: (cutoff: Date, limit: number) => Promise<number>,
    private readonly transactions: Transactions,
    private readonly config: AppConfig,
  ) {
    this.logger = new Logger(`Retention(${table})`);
  }

  /** For the cron: never throws. */
  async scheduled(): Promise<void> {
    await this.runOnce().catch((err) => this.logger.warn({ err, table: this.table }, 'retention failed; tomorrow again'));
  }

  async runOnce(now = new Date()): Promise<RetentionReport> {
    const cutoff = new Date(now.getTime() - this.config.retentionDays * DAY_MS);
    try {
      return await this.transactions.withSessionLock(`retention:${this.table}`, 0, async () => {
        let deleted = 0;
        for (;;) {
          const batch = await this.purge(cutoff, BATCH);
          deleted += batch;
          if (batch < BATCH) break;
        }
        this.logger.log({ table: this.table, cutoff: cutoff.toISOString(), deleted }, 'retention purge done');
        return { skipped: false, deleted };
      });
    } catch (err) {
      if (err instanceof LockTimeoutError) return { skipped: true, deleted: 0 };
      throw err;
    }
  }
}
