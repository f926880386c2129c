import type { Stage } from '../common/stage';
import type { PolicyVerdict } from '../policies/policy-verdict';

/**
 * `approved`: every vote is in, MLflow not yet changed (it may have been unreachable); `rejecting`:
 * the rejection is recorded, the candidate's archiving not yet. The reconciler settles both, as `applying`.
 */
export type PromotionStatus =
  | 'pending_approval'
  | 'approved'
  | 'applying'
  | 'completed'
  | 'denied'
  | 'rejecting'
  | 'rejected'
  | 'cancelled'
  | 'expired'
  | 'failed';

/** Every status, in the order a promotion may pass through them. */
export const PROMOTION_STATUSES: PromotionStatus[] = ['pending_approval', 'approved', 'applying', 'completed', 'denied', 'rejecting', 'rejected', 'cancelled', 'expired', 'failed'];
export type PromotionKind = 'promotion' | 'rollback';

export interface Approval {
  approver: string;
  decision: 'approve' | 'reject';
  comment: string | null;
  createdAt: Date;
}

export interface Promotion {
  id: string;
  kind: PromotionKind;
  model: string;
  version: string;
  project: string | null;
  fromStage: Stage;
  toStage: Stage;
  status: PromotionStatus;
  requestedBy: string;
  reason: string;
  verdict: PolicyVerdict;
  approvalsRequired: number;
  approvals: Approval[];
  archivedVersions: string[];
  failure: string | null;
  expiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}

export type NewPromotion = Pick<
  Promotion,
  'kind' | 'model' | 'version' | 'project' | 'fromStage' | 'toStage' | 'status' | 'requestedBy' | 'reason' | 'verdict' | 'approvalsRequired' | 'expiresAt'
> & {
  /** The Production versions it replaces, known before MLflow is called (so a crash keeps them for rollback). */
  archivedVersions?: string[];
};
