/** What the outbox carries and how a delivery ended. Payloads are stored as JSON, so snake_case. */

export type OutboxKind = 'email' | 'slack' | 'bus';
export const OUTBOX_KINDS: readonly OutboxKind[] = ['email', 'slack', 'bus'];

/** `pending` until delivered or given up on (`dead`); a row being sent stays `pending` under a lease. */
export type OutboxStatus = 'pending' | 'delivered' | 'dead';
export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['pending', 'delivered', 'dead'];

/** The facts of one Step Functions execution status change, as a notification tells them. */
export interface PipelineRunNotice {
  project: string;
  project_version: string;
  execution_arn: string;
  execution_name: string;
  state_machine_arn: string;
  status: string;
  redrive_count: number;
  /** ISO 8601. */
  start_date: string | null;
  stop_date: string | null;
  error: string | null;
  cause: string | null;
  /** The execution's output (a JSON string), for successful runs. */
  output: string | null;
  event_id: string;
  /** The state that failed, when known (from the execution history). */
  failed_state?: { name: string; error: string | null; cause: string | null };
}

/** One checked policy rule, as an approver notice lists it. */
export interface ApprovalRule {
  rule: string;
  passed: boolean;
  message: string;
}

/** A promotion waiting for approvers, as the notice to them tells it. */
export interface ApprovalNotice {
  promotion_id: string;
  project: string | null;
  model: string;
  version: string;
  from_stage: string;
  to_stage: string;
  requested_by: string;
  reason: string;
  approvals_required: number;
  approvals_given: number;
  /** ISO 8601; the promotion expires unapproved then. */
  expires_at: string | null;
  verdict: { allowed: boolean; rules: ApprovalRule[]; note?: string };
  /** The promotion's page in the web console; only when PUBLIC_URL is set. */
  console_url?: string;
}

/** One version MLflow holds differently from what modelgate expects, as a drift notice tells it. */
export interface DriftNoticeItem {
  version: string;
  expected_stage: string;
  observed_stage: string;
  expected_aliases: string[];
  observed_aliases: string[];
  /** ISO 8601: when MLflow says the version last changed (its last_updated_timestamp). */
  changed_at: string | null;
  /** The audit event that recorded the detection (or the revert). */
  audit_seq: number;
}

/**
 * Changes made in MLflow behind modelgate's back, found on one model in one check (`detected`), or
 * put back by modelgate (`reverted`, with `drift.action: revert`).
 */
export interface DriftNotice {
  kind: 'detected' | 'reverted';
  project: string | null;
  model: string;
  /** The project's drift.action when the notice was written. */
  action: 'alert' | 'revert';
  drifts: DriftNoticeItem[];
}

/** What a notification says; the recipient column says to whom. */
export type NotificationMessage =
  | { type: 'pipeline_run'; notice: PipelineRunNotice }
  | { type: 'approval_needed'; notice: ApprovalNotice }
  | { type: 'registry_drift'; notice: DriftNotice };

/** A row to add to the outbox, in the transaction of the fact that caused it. */
export interface NewOutboxItem {
  kind: OutboxKind;
  /** Unique: a second row with the same key is not added. */
  dedupeKey: string;
  /** An e-mail address or `slack:NAME`; none for bus events. */
  recipient: string | null;
  project: string | null;
  executionArn: string | null;
  payload: NotificationMessage | Record<string, unknown>;
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

/** Maps an adapter's failure to an outcome. */
export function outcomeOf(err: unknown): DeliveryOutcome {
  if (err instanceof DeliveryError) {
    return err.permanent
      ? { result: 'dead', error: err.message }
      : { result: 'retry', error: err.message, retryAfterMs: err.retryAfterMs };
  }
  return { result: 'retry', error: err instanceof Error ? err.message : String(err) };
}
