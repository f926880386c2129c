import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Transactions } from '../database/transactions';
import { Metrics } from '../metrics/metrics';
import { decideDelivery } from './delivery-policy';
import { LifecyclePublisher } from './lifecycle-publisher';
import type { OutboxItem } from './notification.types';
import { OutboxDispatcher } from './outbox.dispatcher';
import { OutboxSignal } from './outbox.signal';
import { AttemptRecord, OutboxStore } from './outbox.store';

/** Concurrent claim loops per replica, so one slow upstream does not hold every other row back. */
const LANES = 4;
export const OUTBOX_LANES = LANES;
/** Rows one lane sends at once while holding their locks. */
export const BATCH_SIZE = 25;
const MAX_ERROR_BACKOFF_MS = 30_000;
/** How often the backlog gauges are refreshed. */
const BACKLOG_REFRESH_MS = 5_000;

/**
 * Drains the outbox: each lane locks a batch of due rows (FOR UPDATE SKIP LOCKED), sends them
 * concurrently while the locks are held, records the outcomes and commits. A replica that dies
 * mid-send leaves no claim behind: PostgreSQL drops its locks and another worker takes the rows
 * (the sends in flight may then repeat once: delivery is at least once, duplicates only then).
 */
@Injectable()
export class OutboxWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OutboxWorker.name);
  private stopping = false;
  private lanes: Promise<void>[] = [];
  private backlogTimer?: NodeJS.Timeout;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly transactions: Transactions,
    private readonly store: OutboxStore,
    private readonly dispatcher: OutboxDispatcher,
    private readonly signal: OutboxSignal,
    private readonly metrics: Metrics,
    private readonly lifecycle: LifecyclePublisher,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.outbox.workerEnabled) {
      this.logger.log('outbox worker disabled (NOTIFY_WORKER_ENABLED=false)');
      return;
    }
    this.lanes = Array.from({ length: LANES }, () => this.runLane());
    this.backlogTimer = setInterval(() => void this.refreshBacklog(), BACKLOG_REFRESH_MS).unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearInterval(this.backlogTimer);
    this.signal.notify();
    await Promise.all(this.lanes);
  }

  /** Claims, sends and records one batch; answers how many rows it handled. */
  private async drainBatch(): Promise<number> {
    return this.transactions.run(async (tx) => {
      const items = await this.store.claimDue(tx, BATCH_SIZE);
      if (items.length === 0) return 0;
      const outcomes = await this.dispatcher.deliver(items);
      const records = items.map((item, i) => this.record(item, outcomes[i]));
      const dead = records.flatMap((r, i) => (r.status === 'dead' ? [{ item: items[i], attempts: items[i].attempts + 1, error: r.error }] : []));
      if (dead.length && (await this.lifecycle.notificationsFailed(tx, dead)) > 0) this.signal.notify();
      await this.store.recordAttempts(tx, records);
      return items.length;
    });
  }

  private record(item: OutboxItem, outcome: Parameters<typeof decideDelivery>[0]): AttemptRecord {
    const attempt = item.attempts + 1;
    const decision = decideDelivery(outcome, attempt, {
      maxAttempts: this.config.notifyMaxAttempts,
      baseMs: this.config.outbox.retryBaseMs,
    });
    this.metrics.notifications.inc({ channel: item.kind, outcome: decision.status === 'pending' ? 'retry' : decision.status });
    const fields = { outbox_id: item.id, kind: item.kind, attempt, error: decision.error };
    if (decision.status === 'dead') this.logger.warn(fields, 'notification is dead');
    else if (decision.status === 'pending') this.logger.warn({ ...fields, retry_in_ms: decision.delayMs }, 'notification will be retried');
    return { id: item.id, ...decision };
  }

  private async refreshBacklog(): Promise<void> {
    try {
      const { pending, oldestCreatedAt } = await this.store.pendingSummary();
      this.metrics.outboxPending.set(pending);
      this.metrics.outboxOldestPendingSeconds.set(oldestCreatedAt ? Math.max(0, (Date.now() - oldestCreatedAt.getTime()) / 1000) : 0);
    } catch (err) {
      this.logger.warn({ err }, 'could not measure the outbox backlog');
    }
  }

  private async runLane(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      let handled = 0;
      try {
        handled = await this.drainBatch();
        failures = 0;
      } catch (err) {
        failures += 1;
        if (!this.stopping) this.logger.error({ err, failures }, 'outbox batch failed; the rows stay pending');
      }
      if (this.stopping) break;
      if (failures > 0) await this.signal.wait(Math.min(MAX_ERROR_BACKOFF_MS, this.config.outbox.pollIntervalMs * 2 ** failures));
      else if (handled < BATCH_SIZE) await this.signal.wait(this.config.outbox.pollIntervalMs);
    }
  }
}
