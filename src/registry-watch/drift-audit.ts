import { AuditAction } from '../audit/audit-action';
import type { AuditEntry } from '../audit/audit-entry';
import type { DriftNoticeItem } from '../notifications/notification.types';
import type { Difference, VersionState } from './drift';

/** The actor of what the watcher does by itself; ':' cannot occur in an API key name. */
export const WATCH_ACTOR = 'system:registry-watch';

/** Pure: the audit entries of the registry watch (the history of part B folds their version, from_stage and to_stage). */

export function baselineEntry(model: string, project: string, versions: ({ version: string } & VersionState)[]): AuditEntry {
  return {
    actor: WATCH_ACTOR,
    action: AuditAction.REGISTRY_BASELINE_ADOPTED,
    model,
    reason: 'first sight: MLflow state adopted as what modelgate expects',
    details: { project, versions: versions.map((v) => ({ version: v.version, stage: v.stage, aliases: v.aliases })) },
  };
}

/** from_stage is what modelgate expects, to_stage what MLflow holds. */
export function detectedEntry(model: string, project: string, d: Difference, driftId: string, supersedes?: string): AuditEntry {
  return {
    actor: WATCH_ACTOR,
    action: AuditAction.REGISTRY_DRIFT_DETECTED,
    model,
    version: d.version,
    from_stage: d.expected.stage,
    to_stage: d.observed.stage,
    reason: 'changed in MLflow, not through modelgate',
    details: {
      project,
      drift_id: driftId,
      expected_stage: d.expected.stage,
      observed_stage: d.observed.stage,
      expected_aliases: d.expected.aliases,
      observed_aliases: d.observed.aliases,
      last_updated_timestamp: d.lastUpdatedAt.getTime(),
      ...(supersedes ? { supersedes } : {}),
    },
  };
}

/** MLflow went back by itself: from what it held to what modelgate expects. */
export function resolvedEntry(model: string, project: string, driftId: string, version: string, was: VersionState, now: VersionState): AuditEntry {
  return {
    actor: WATCH_ACTOR,
    action: AuditAction.REGISTRY_DRIFT_RESOLVED,
    model,
    version,
    from_stage: was.stage,
    to_stage: now.stage,
    reason: 'MLflow is back to what modelgate expects',
    details: { project, drift_id: driftId, resolution: 'returned', stage: now.stage, aliases: now.aliases },
  };
}

/**
 * One revert of a model: `version` is the one the out-of-band change moved (into Production when
 * one did), put back to `to_stage`; `restored_versions` the others put back with it.
 */
export function revertedEntry(model: string, project: string, primary: Difference, others: Difference[], driftIds: string[]): AuditEntry {
  return {
    actor: WATCH_ACTOR,
    action: AuditAction.REGISTRY_DRIFT_REVERTED,
    model,
    version: primary.version,
    from_stage: primary.observed.stage,
    to_stage: primary.expected.stage,
    reason: 'the project sets drift.action: revert',
    details: {
      project,
      drift_ids: driftIds,
      restored_aliases: primary.expected.aliases,
      restored_versions: others.map((d) => ({ version: d.version, from_stage: d.observed.stage, stage: d.expected.stage, aliases: d.expected.aliases })),
    },
  };
}

/** An approver accepts MLflow's state: from what modelgate expected to what it now expects. */
export function adoptedEntry(actor: string, reason: string, model: string, project: string | null, driftId: string, version: string, was: VersionState, adopted: VersionState): AuditEntry {
  return {
    actor,
    action: AuditAction.REGISTRY_ADOPTED,
    model,
    version,
    from_stage: was.stage,
    to_stage: adopted.stage,
    reason,
    details: { project, drift_id: driftId, expected_stage: was.stage, expected_aliases: was.aliases, adopted_stage: adopted.stage, adopted_aliases: adopted.aliases },
  };
}

/** A drift as its notice (detection or revert) tells it, pointing at the audit event that recorded it. */
export function noticeItemOf(d: Difference, seq: number): DriftNoticeItem {
  return {
    version: d.version,
    expected_stage: d.expected.stage,
    observed_stage: d.observed.stage,
    expected_aliases: d.expected.aliases,
    observed_aliases: d.observed.aliases,
    changed_at: d.lastUpdatedAt.toISOString(),
    audit_seq: seq,
  };
}
