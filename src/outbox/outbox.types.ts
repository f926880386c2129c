/** What the outbox carries and how a delivery ended. */

export type OutboxKind = 'email' | 'slack' | 'bus';
export const OUTBOX_KINDS: readonly OutboxKind[] = ['email', 'slack', 'bus'];

/** `pending` until delivered or given up on (`dead`); a row being sent stays `pending` under a lease. */
export type OutboxStatus = 'pending' | 'delivered' | 'dead';
export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['pending', 'delivered', 'dead'];

/** A row to add to the outbox, in the transaction of the fact that caused it. */
export interface NewOutboxItem {
  kind: OutboxKind;
  /** Unique: a second row with the same key is not added. */
  dedupeKey: string;
  /** An e-mail address or `slack:NAME`; none for bus events. */
  recipient: string | null;
  project: string | null;
  executionArn: string | null;
  /** Stored as JSON; its feature (notifications, lifecycle events) knows its shape. */
  payload: object;
}

export interface OutboxItem extends NewOutboxItem {
  id: string;
  seq: number;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  deliveredAt: Date | null;
}

/** How one send ended. `retry` is subject to NOTIFY_MAX_ATTEMPTS; `dead` gives up at once. */
export type DeliveryOutcome =
  | { result: 'delivered' }
  | { result: 'retry'; error: string; retryAfterMs?: number }
  | { result: 'dead'; error: string };

/** A failed send, as an upstream adapter reports it: permanent failures are not retried. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** Sends the outbox rows of one kind. One outcome per item, in order; never throws for an item. */
export abstract class DeliveryChannel {
  abstract readonly kind: OutboxKind;
  /** Rows one upstream call carries; the outbox hands over at most this many at a time and records their outcomes together. */
  abstract readonly rowsPerSend: number;
  abstract deliver(items: OutboxItem[]): Promise<DeliveryOutcome[]>;
}

/** A channel that sends each row by its own upstream call; a send that throws is retried or given up on as {@link outcomeOf} says. */
export abstract class OneRowChannel extends DeliveryChannel {
  readonly rowsPerSend = 1;

  deliver(items: OutboxItem[]): Promise<DeliveryOutcome[]> {
    return Promise.all(items.map((item) => this.deliverOne(item).catch(outcomeOf)));
  }

  protected abstract deliverOne(item: OutboxItem): Promise<DeliveryOutcome>;
}

/** Maps an adapter's failure to an outcome. */
export function outcomeOf(err: unknown): DeliveryOutcome {
  if (err instanceof DeliveryError) {
    return err.permanent
      ? { result: 'dead', error: err.message }
      : { result: 'retry', error: err.message, retryAfterMs: err.retryAfterMs };
  }
  return { result: 'retry', error: err instanceof Error ? err.message : String(err) };
}
