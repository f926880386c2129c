import type { Stage } from '../mlflow/stage';
import type { PolicyVerdict } from '../policies/policy-verdict';

export type PromotionStatus = 'pending_approval' | 'applying' | 'completed' | 'denied' | 'rejected' | 'cancelled' | 'expired' | 'failed';
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
