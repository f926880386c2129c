import type { AuditAction } from '../audit/audit-action';
import type { AuditEntry } from '../audit/audit-entry';
import type { Promotion } from './promotion';

/** The audit entry of an event of a promotion by `actor`: the promotion's move and reason, its id first in the details. */
export function promotionEntry(p: Promotion, actor: string, action: AuditAction, details: Record<string, unknown> = {}): AuditEntry {
  return {
    actor,
    action,
    model: p.model,
    version: p.version,
    from_stage: p.fromStage,
    to_stage: p.toStage,
    reason: p.reason,
    details: { promotion_id: p.id, ...details },
  };
}

/** The audit entry of a decision on a promotion (vote, rejection, cancel, expiry) by `actor`. */
export function decisionEntry(p: Promotion, actor: string, action: AuditAction, details: Record<string, unknown> = {}): AuditEntry {
  return promotionEntry(p, actor, action, { requested_by: p.requestedBy, ...details });
}
