/** The JSON API's answers, as far as the console reads them (snake_case, as the API speaks). */

export type Stage = 'None' | 'Staging' | 'Production' | 'Archived';
export type Role = 'reader' | 'promoter' | 'approver' | 'ci' | 'events' | 'admin';

export interface Me {
  name: string;
  roles: Role[];
}

export interface Page<T> {
  items: T[];
  next_page_token?: string;
}

export interface RuleResult {
  rule: string;
  passed: boolean;
  observed: number | string | null;
  required: string;
  message: string;
}

export interface Verdict {
  allowed: boolean;
  approvals_required: number;
  rules: RuleResult[];
  note?: string;
}

export interface Approval {
  approver: string;
  decision: 'approve' | 'reject';
  comment: string | null;
  created_at: string;
}

export interface Promotion {
  id: string;
  kind: 'promotion' | 'rollback';
  model: string;
  version: string;
  project: string | null;
  from_stage: Stage;
  to_stage: Stage;
  /** `approved`: every vote is in, MLflow has not applied it yet (its `message` says what happens next). */
  status: string;
  requested_by: string;
  reason: string;
  verdict: Verdict;
  approvals_required: number;
  approvals: Approval[];
  archived_versions: string[];
  failure: string | null;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  /** What happens next while a decision awaits MLflow (status `approved` or `rejecting`). */
  message?: string;
}

export interface DryRun {
  dry_run: true;
  outcome: 'apply' | 'await_approval' | 'deny';
  verdict: Verdict;
}

export interface ModelVersion {
  name: string;
  version: string;
  stage: Stage;
  description: string;
  run_id: string | null;
  status: string;
  created_at: string;
  updated_at: string;
  tags: Record<string, string>;
  aliases: string[];
}

export interface RegisteredModel {
  name: string;
  description: string | null;
  updated_at: string;
  latest_versions: ModelVersion[];
}

export interface ProjectSummary {
  name: string;
  model_name: string;
}

export interface AuditEvent {
  seq: number;
  at: string;
  actor: string;
  action: string;
  model: string | null;
  version: string | null;
  from_stage: Stage | null;
  to_stage: Stage | null;
  reason: string | null;
  details: Record<string, unknown>;
}

export interface ChainVerification {
  valid: boolean;
  checked: number;
  first_broken_seq?: number;
  problem?: string;
}

export interface DeployDecision {
  id: string;
  project: string;
  env: string;
  outcome: 'allowed' | 'denied' | 'unavailable';
  model: string | null;
  version: string | null;
  stage: string | null;
  reasons: string[];
  caller: string;
  commit: string | null;
  pipeline_url: string | null;
  decided_at: string;
}

export interface Notification {
  id: string;
  kind: 'email' | 'slack' | 'bus';
  recipient: string | null;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  last_error: string | null;
  subject: string | null;
  delivered_at: string | null;
}

export interface PipelineRun {
  execution_arn: string;
  execution_name: string | null;
  project: string | null;
  status: string;
  start_date: string | null;
  stop_date: string | null;
  error: string | null;
  cause: string | null;
  failed_step?: string | null;
  notifications: Notification[];
}

export type DriftResolution = 'adopted' | 'reverted' | 'returned' | 'superseded';

/** One version MLflow holds otherwise than modelgate expects (GET /drift). */
export interface Drift {
  id: string;
  model: string;
  project: string | null;
  version: string;
  status: 'open' | 'resolved';
  expected_stage: Stage;
  observed_stage: Stage;
  expected_aliases: string[];
  observed_aliases: string[];
  /** MLflow's last_updated_timestamp of the version: when MLflow says it changed. */
  last_updated_at: string | null;
  detected_at: string;
  detected_seq: number;
  resolved_at: string | null;
  resolution: DriftResolution | null;
  resolved_seq: number | null;
  resolved_by: string | null;
}

/** One version entering a stage, as GET /models/:name/history lists them (newest first). */
export interface StageChange {
  seq: number;
  at: string;
  actor: string;
  action: string;
  version: string;
  from_stage: Stage | null;
  to_stage: Stage;
  reason: string | null;
}

export interface StageHolding {
  version: string;
  since: string;
}

/** GET /models/:name/history?at=: which version held each stage at that instant. */
export interface StagesAt {
  at: string;
  stages: Record<'Staging' | 'Production' | 'Archived', StageHolding[]>;
}
