import type { AuditAction } from '../audit/audit-action';
import type { AuditEntry } from '../audit/audit-entry';
import type { Promotion } from './promotion';

/** The audit entry of a decision on a promotion (vote, rejection, cancel, expiry) by `actor`. */
export function decisionEntry(p: Promotion, actor: string, action: AuditAction, details: Record<string, unknown> = {}): AuditEntry {
  return {
    actor,
    action,
    model: p.model,
    version: p.version,
    from_stage: p.fromStage,
    to_stage: p.toStage,
    reason: p.reason,
    details: { promotion_id: p.id, requested_by: p.requestedBy, ...details },
  };
}
