import type { Stage } from '../common/stage';
import { STAGE_TAG } from './stage-aliases';

/** Pure: who put a version where it is, as modelgate writes it on the version in MLflow. */

/** The change that last moved a version: a promotion's, a rollback's, a rejection's or the archive it made. */
export interface Provenance {
  promotionId: string;
  /** Who made the change: the requester, or the approver who rejected. */
  actor: string;
  /** When, as the audit event of the change records it (ISO 8601). */
  at: string;
  auditSeq: number;
}

export const PROVENANCE_TAGS = {
  promotionId: 'modelgate.promotion_id',
  actor: 'modelgate.promoted_by',
  at: 'modelgate.promoted_at',
  auditSeq: 'modelgate.audit_seq',
} as const;

/** The audit event of a change, as provenance reads it. */
export function provenanceOf(promotionId: string, event: { actor: string; at: string; seq: number }): Provenance {
  return { promotionId, actor: event.actor, at: event.at, auditSeq: event.seq };
}

/** The tags to write; `stage` is given where modelgate.stage is provenance (stages mode), not state. */
export function provenanceTags(p: Provenance, stage?: Stage): Record<string, string> {
  return {
    [PROVENANCE_TAGS.promotionId]: p.promotionId,
    [PROVENANCE_TAGS.actor]: p.actor,
    [PROVENANCE_TAGS.at]: p.at,
    [PROVENANCE_TAGS.auditSeq]: String(p.auditSeq),
    ...(stage ? { [STAGE_TAG]: stage } : {}),
  };
}
