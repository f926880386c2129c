import type { Tx } from '../database/transactions';
import type { DeployOutcome } from './deploy-decision';

export interface NewDeployDecision {
  project: string;
  env: string;
  model: string | null;
  version: string | null;
  stage: string | null;
  runId: string | null;
  source: string | null;
  outcome: DeployOutcome;
  reasons: string[];
  caller: string;
  commit: string | null;
  pipelineUrl: string | null;
}

/** A decision whose id is fixed before it is written, so a batch written again can never hold it twice. */
export type IdentifiedDecision = NewDeployDecision & { id: string };

export interface DeployDecisionRecord extends NewDeployDecision {
  id: string;
  decidedAt: Date;
}

export interface DecisionFilter {
  project?: string;
  env?: string;
}

/** Newest first; the cursor is the last row of the previous page. */
export interface DecisionCursor {
  decidedAt: string;
  id: string;
}

/** The gate's insert-only record of decisions. */
export abstract class DeployDecisionStore {
  /** One multi-row INSERT, in `tx` when given; answers the rows in the order given. */
  abstract insertMany(tx: Tx | undefined, decisions: IdentifiedDecision[]): Promise<DeployDecisionRecord[]>;
  abstract list(filter: DecisionFilter, limit: number, after?: DecisionCursor): Promise<DeployDecisionRecord[]>;
}
