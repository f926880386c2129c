/** What a notification to people says. Payloads are stored as JSON in the outbox, so snake_case. */

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
