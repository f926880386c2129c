import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Transactions } from '../database/transactions';
import { Metrics } from '../metrics/metrics';
import { decideDelivery } from './delivery-policy';
import type { DeliveryOutcome, OutboxItem } from './outbox.types';
import { OutboxChannels } from './outbox-channels';
import { OutboxDispatcher } from './outbox.dispatcher';
import { OutboxSignal } from './outbox.signal';
import { AttemptRecord, OutboxStore } from './outbox.store';
import { OutcomeRecorder } from './outcome-recorder';

/** Concurrent claim loops per replica, so one slow upstream does not hold every other row back. */
export const OUTBOX_LANES = 4;
/** Rows one lane leases and sends at once. */
export const BATCH_SIZE = 25;
/**
 * How long a lease outlives the send timeout (every SES, Slack and EventBridge call is cut at
 * NOTIFY_TIMEOUT_MS): time to render and to record the outcome. A live worker records well within
 * it, so replicas never send a row twice while both are alive; a dead one's rows wait this long.
 */
export const LEASE_MARGIN_MS = 10_000;
const MAX_ERROR_BACKOFF_MS = 30_000;
/** Failed commits of outcomes tried again at most this often while stopping (the lease bounds it otherwise). */
const RECORD_TRIES_WHEN_STOPPING = 3;
/** How often the backlog gauges are refreshed. */
const BACKLOG_REFRESH_MS = 5_000;

/** One send's result, about to be recorded. */
interface Attempt {
  item: OutboxItem;
  record: AttemptRecord;
}

/**
 * Drains the outbox: each lane leases a batch of due rows (a commit of its own, before any send),
 * sends them concurrently and commits each outcome as soon as it is known. A replica that dies
 * mid-send leaves only the rows in flight leased; once that lease expires another worker takes
 * them, so only those sends may repeat (delivery is at least once, duplicates only then).
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
    private readonly channels: OutboxChannels,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.outbox.workerEnabled) {
      this.logger.log('outbox worker disabled (NOTIFY_WORKER_ENABLED=false)');
      return;
    }
    this.lanes = Array.from({ length: OUTBOX_LANES }, () => this.runLane());
    this.backlogTimer = setInterval(() => void this.refreshBacklog(), BACKLOG_REFRESH_MS).unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearInterval(this.backlogTimer);
    this.signal.notify();
    await Promise.all(this.lanes);
  }

  /** Leases, sends and records one batch; answers how many rows it leased. */
  private async drainBatch(): Promise<number> {
    const lease = { owner: randomUUID(), ms: this.config.outbox.sendTimeoutMs + LEASE_MARGIN_MS };
    const leaseEndsAt = Date.now() + lease.ms;
    const items = await this.store.claimDue(BATCH_SIZE, lease);
    if (items.length === 0) return 0;
    const recorder = new OutcomeRecorder<Attempt>(
      (attempts) => this.commit(attempts),
      {
        // After the lease another worker may take the rows; recording stays safe (it checks the lease), but pointless.
        keepTrying: (failures) => Date.now() < leaseEndsAt && !(this.stopping && failures >= RECORD_TRIES_WHEN_STOPPING),
        pauseMs: (failures) => Math.min(2_000, 50 * 2 ** failures),
      },
      (attempts, err) => this.logger.error({ err, outbox_ids: attempts.map((a) => a.item.id) }, 'could not record outcomes; these rows are sent again when their lease expires'),
    );
    await this.dispatcher.deliver(items, ({ items: sent, outcomes }) => recorder.add(sent.map((item, i) => this.decide(item, outcomes[i], lease.owner))));
    await recorder.settled();
    return items.length;
  }

  private decide(item: OutboxItem, outcome: DeliveryOutcome, leaseOwner: string): Attempt {
    // The claim counted this attempt.
    const decision = decideDelivery(outcome, item.attempts, {
      maxAttempts: this.config.notifyMaxAttempts,
      baseMs: this.config.outbox.retryBaseMs,
    });
    const fields = { outbox_id: item.id, kind: item.kind, attempt: item.attempts, error: decision.error };
    if (decision.status === 'dead') this.logger.warn(fields, 'notification is dead');
    else if (decision.status === 'pending') this.logger.warn({ ...fields, retry_in_ms: decision.delayMs }, 'notification will be retried');
    return { item, record: { id: item.id, leaseOwner, ...decision } };
  }

  /** One transaction: the outcomes still under our lease, and what the listeners of dead rows add for those that went dead. */
  private async commit(attempts: Attempt[]): Promise<void> {
    const { recorded, announced } = await this.transactions.run(async (tx) => {
      const ids = new Set(await this.store.recordAttempts(tx, attempts.map((a) => a.record)));
      const kept = attempts.filter((a) => ids.has(a.item.id));
      const dead = kept.filter((a) => a.record.status === 'dead').map((a) => ({ item: a.item, attempts: a.item.attempts, error: a.record.error }));
      return { recorded: kept, announced: dead.length ? await this.channels.announceDead(tx, dead) : 0 };
    });
    if (announced > 0) this.signal.notify();
    for (const { item, record } of recorded) {
      this.metrics.notifications.inc({ channel: item.kind, outcome: record.status === 'pending' ? 'retry' : record.status });
    }
    if (recorded.length < attempts.length) {
      const lost = attempts.filter((a) => !recorded.includes(a)).map((a) => a.item.id);
      this.logger.warn({ outbox_ids: lost }, 'outcomes not recorded: the lease expired and another worker took these rows');
    }
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
