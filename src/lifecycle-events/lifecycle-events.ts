import type { NewOutboxItem } from '../outbox/outbox.types';

/** modelgate's own facts, as it publishes them on EventBridge (source `modelgate`); detail is snake_case. */

export const LIFECYCLE_SOURCE = 'modelgate';

/** What every promotion event carries. */
export interface PromotionEventDetail {
  model: string;
  version: string;
  from_stage: string;
  to_stage: string;
  actor: string;
  promotion_id: string;
  /** The audit event recording the fact (`GET /audit`). */
  audit_seq: number;
  project: string | null;
}

export interface LifecycleEventMap {
  'Model Version Stage Changed': PromotionEventDetail & {
    /** What moved it: a promotion, a rollback, or the rejection of a Staging→Production candidate. */
    cause: 'promotion' | 'rollback' | 'rejection';
    reason: string;
  };
  'Promotion Pending Approval': PromotionEventDetail & { reason: string; approvals_required: number; expires_at: string | null };
  'Promotion Rejected': PromotionEventDetail & { requested_by: string; comment: string | null; archived_candidate: boolean };
  'Deploy Gate Decision': {
    decision_id: string;
    project: string;
    env: string;
    model: string | null;
    version: string | null;
    stage: string | null;
    run_id: string | null;
    outcome: string;
    allowed: boolean;
    reasons: string[];
    actor: string;
    commit: string | null;
    pipeline_url: string | null;
  };
  'Model Version Drift Detected': {
    model: string;
    version: string;
    project: string | null;
    /** What modelgate expects (from) and what MLflow holds (to). */
    from_stage: string;
    to_stage: string;
    expected_stage: string;
    observed_stage: string;
    expected_aliases: string[];
    observed_aliases: string[];
    /** MLflow's last_updated_timestamp of the version (ms since the epoch). */
    last_updated_timestamp: number | null;
    actor: string;
    drift_id: string;
    audit_seq: number;
  };
  'Notification Failed': {
    notification_id: string;
    channel: string;
    recipient: string | null;
    subject: string | null;
    project: string | null;
    execution_arn: string | null;
    model: string | null;
    version: string | null;
    promotion_id: string | null;
    attempts: number;
    error: string | null;
  };
}

export type LifecycleEventType = keyof LifecycleEventMap;
export const LIFECYCLE_EVENT_TYPES: readonly LifecycleEventType[] = [
  'Model Version Stage Changed',
  'Promotion Pending Approval',
  'Promotion Rejected',
  'Deploy Gate Decision',
  'Notification Failed',
  'Model Version Drift Detected',
];

/** A `bus` outbox row's payload: one PutEvents entry. */
export interface BusEventPayload<K extends LifecycleEventType = LifecycleEventType> {
  type: 'bus_event';
  event_bus_name: string;
  source: typeof LIFECYCLE_SOURCE;
  detail_type: K;
  /** ISO 8601: when the fact happened. */
  time: string;
  detail: LifecycleEventMap[K];
}

export function busOutboxItem<K extends LifecycleEventType>(
  eventBusName: string,
  detailType: K,
  detail: LifecycleEventMap[K],
  opts: { dedupeKey: string; time: Date; project: string | null; executionArn?: string | null },
): NewOutboxItem {
  const payload: BusEventPayload<K> = { type: 'bus_event', event_bus_name: eventBusName, source: LIFECYCLE_SOURCE, detail_type: detailType, time: opts.time.toISOString(), detail };
  return { kind: 'bus', dedupeKey: `bus|${opts.dedupeKey}`, recipient: null, project: opts.project, executionArn: opts.executionArn ?? null, payload: { ...payload } };
}

export function isBusEventPayload(payload: unknown): payload is BusEventPayload {
  const p = payload as Partial<BusEventPayload> | null;
  return (
    p !== null &&
    typeof p === 'object' &&
    p.type === 'bus_event' &&
    typeof p.event_bus_name === 'string' &&
    (LIFECYCLE_EVENT_TYPES as readonly string[]).includes(p.detail_type as string) &&
    typeof p.detail === 'object' &&
    p.detail !== null
  );
}

/** A promotion as the lifecycle events read it (the promotions feature's `Promotion` fits). */
export interface PromotionFacts {
  id: string;
  kind: 'promotion' | 'rollback';
  model: string;
  version: string;
  project: string | null;
  fromStage: string;
  toStage: string;
  requestedBy: string;
  reason: string;
  approvalsRequired: number;
  expiresAt: Date | null;
  archivedVersions: string[];
}

/** The audit event that recorded the fact (`AuditLog.append` answers it). */
export interface AuditRef {
  seq: number;
  at: string;
  actor: string;
}

export function promotionDetail(p: PromotionFacts, audit: AuditRef): PromotionEventDetail {
  return {
    model: p.model,
    version: p.version,
    from_stage: p.fromStage,
    to_stage: p.toStage,
    actor: audit.actor,
    promotion_id: p.id,
    audit_seq: audit.seq,
    project: p.project,
  };
}

/** A completed promotion or rollback: the version that moved, and each Production version it archived. */
export function stageChangedDetails(p: PromotionFacts, audit: AuditRef): LifecycleEventMap['Model Version Stage Changed'][] {
  const base = { ...promotionDetail(p, audit), cause: p.kind, reason: p.reason };
  const archived = p.archivedVersions.filter((v) => v !== p.version).map((version) => ({ ...base, version, from_stage: 'Production', to_stage: 'Archived' }));
  return [base, ...archived];
}

/** A deploy gate decision as the events read it (the deploy gate's `DeployDecisionRecord` fits). */
export interface DeployDecisionFacts {
  id: string;
  project: string;
  env: string;
  model: string | null;
  version: string | null;
  stage: string | null;
  runId: string | null;
  outcome: string;
  reasons: string[];
  caller: string;
  commit: string | null;
  pipelineUrl: string | null;
}

export function deployDecisionDetail(d: DeployDecisionFacts): LifecycleEventMap['Deploy Gate Decision'] {
  return {
    decision_id: d.id,
    project: d.project,
    env: d.env,
    model: d.model,
    version: d.version,
    stage: d.stage,
    run_id: d.runId,
    outcome: d.outcome,
    allowed: d.outcome === 'allowed',
    reasons: d.reasons,
    actor: d.caller,
    commit: d.commit,
    pipeline_url: d.pipelineUrl,
  };
}
