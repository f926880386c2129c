import { Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { LockTimeoutError, Transactions } from '../../database/transactions';
import { WebhookDeliveryStore } from './webhook-delivery.store';

export const WEBHOOK_DELIVERY_PURGE_LOCK = 'mlflow-webhook-deliveries-purge';
/** A delivery older than 5 minutes is refused as stale anyway; days of ids are plenty to spot replays. */
export const KEEP_DELIVERIES_DAYS = 3;
const BATCH = 1000;
const DAY_MS = 24 * 3600_000;

/** Daily, on one replica at a time: forgets deliveries received more than {@link KEEP_DELIVERIES_DAYS} days ago. */
@Injectable()
export class WebhookDeliveryPurgeJob {
  private readonly logger = new Logger(WebhookDeliveryPurgeJob.name);

  constructor(
    private readonly store: WebhookDeliveryStore,
    private readonly transactions: Transactions,
  ) {}

  @Cron('47 3 * * *', { name: 'mlflow-webhook-deliveries-purge' })
  async scheduled(): Promise<void> {
    await this.runOnce().catch((err) => this.logger.warn({ err }, 'webhook delivery purge failed; tomorrow again'));
  }

  /** Answers how many deliveries were forgotten, or undefined when another replica was purging. */
  async runOnce(now = new Date()): Promise<number | undefined> {
    const cutoff = new Date(now.getTime() - KEEP_DELIVERIES_DAYS * DAY_MS);
    try {
      return await this.transactions.withSessionLock(WEBHOOK_DELIVERY_PURGE_LOCK, 0, async () => {
        let total = 0;
        for (;;) {
          const deleted = await this.store.purgeReceivedBefore(cutoff, BATCH);
          total += deleted;
          if (deleted < BATCH) break;
        }
        this.logger.log({ cutoff: cutoff.toISOString(), deliveries: total }, 'webhook delivery purge done');
        return total;
      });
    } catch (err) {
      if (err instanceof LockTimeoutError) return undefined;
      throw err;
    }
  }
}
