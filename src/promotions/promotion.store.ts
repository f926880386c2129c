import type { Tx } from '../database/transactions';
import type { Stage } from '../common/stage';
import type { Approval, NewPromotion, Promotion, PromotionStatus } from './promotion';

export interface PromotionFilter {
  model?: string;
  status?: PromotionStatus;
  project?: string;
  requestedBy?: string;
  /** Pending promotions this approver may still decide: not their own, not yet voted on. */
  awaitingDecisionBy?: string;
}

/** Newest first; the cursor is the last row of the previous page. */
export interface PromotionCursor {
  createdAt: string;
  id: string;
}

export interface StatusChange {
  status: PromotionStatus;
  failure?: string | null;
  archivedVersions?: string[];
  /** Sets completed_at to now. */
  completed?: boolean;
}

export abstract class PromotionStore {
  /** Undefined when the model already has an open request (pending or approved) for this version and target. */
  abstract insert(p: NewPromotion, tx: Tx): Promise<Promotion | undefined>;
  abstract findById(id: string, tx?: Tx): Promise<Promotion | undefined>;
  /** Locks the row for the rest of the transaction. */
  abstract findByIdForUpdate(id: string, tx: Tx): Promise<Promotion | undefined>;
  /** The request for this version and target still open: pending approval, or approved and not yet applied. */
  abstract findOpenRequest(model: string, version: string, toStage: Stage, tx: Tx): Promise<Promotion | undefined>;
  abstract list(filter: PromotionFilter, limit: number, after?: PromotionCursor): Promise<Promotion[]>;
  abstract setStatus(id: string, change: StatusChange, tx: Tx): Promise<Promotion>;
  /** False when this approver already decided on it. */
  abstract addApproval(promotionId: string, approval: Omit<Approval, 'createdAt'>, tx: Tx): Promise<boolean>;
  /** Promotions left `approved`, `applying` or `rejecting` (MLflow unreachable, or a crash mid-way), last changed before `before`. */
  abstract findUnsettled(before: Date): Promise<Promotion[]>;
  /** Pending promotions whose approval time ran out. */
  abstract findExpired(now: Date): Promise<Promotion[]>;
  /** The latest completed promotion or rollback that put `version` of `model` in Production. */
  abstract lastCompletedIntoProduction(model: string, version: string, tx: Tx): Promise<Promotion | undefined>;
  /** Per stage, the version modelgate's latest completed promotion or rollback moved into it. */
  abstract lastMovedInto(model: string, tx: Tx): Promise<Partial<Record<Stage, string>>>;
}
