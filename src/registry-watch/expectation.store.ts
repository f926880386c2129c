import type { Tx } from '../database/transactions';
import type { VersionState } from './drift';

/** What set an expectation: a change modelgate made, or what it accepted as it found it. */
export type ExpectationSource = 'promotion' | 'rollback' | 'reject' | 'archive' | 'adoption' | 'baseline' | 'revert';

/** What modelgate expects of one version in MLflow, and which of its changes left it so. */
export interface Expectation extends VersionState {
  version: string;
  setBy: ExpectationSource;
  /** The promotion id, or the audit seq of an adoption, baseline or revert. */
  setByRef: string | null;
  setAt: Date;
}

/** A write; `setAt` defaults to now (an alias moving off a version keeps that version's). */
export type ExpectationWrite = Omit<Expectation, 'setAt'> & { setAt?: Date };

/** Everything modelgate knows of one model, read together. */
export interface ModelAccount {
  model: string;
  /** First sight (a watcher round, a gate decision or a promotion); null until then. */
  seenAt: Date | null;
  /** When first sight adopted MLflow's state (null: not adopted, adopt_existing off). */
  baselineAdoptedAt: Date | null;
  /** Changes modelgate started and has not finished in MLflow: promotion ids, or `aliases`. */
  owedBy: string[];
  /** Bumped by every write: a reader outside the model's lock compares it before and after. */
  revision: number;
  /** By version; a version without one is expected untouched (None, no alias). */
  expectations: Map<string, Expectation>;
}

/** What is owed while an alias write the reconciler retries has not gone through. */
export const ALIASES_OWED = 'aliases';

/** `registry_watched_models` and `registry_expectations`. */
export abstract class ExpectationStore {
  /** An empty account for a model never written. */
  abstract account(model: string, tx?: Tx): Promise<ModelAccount>;
  /** True for the one caller that sees the model first; `adopted` records the baseline time too. */
  abstract claimFirstSight(model: string, adopted: boolean, tx: Tx): Promise<boolean>;
  /** Writes the rows of versions that have none (a baseline never overwrites a change of modelgate's). */
  abstract insertMissing(model: string, rows: ExpectationWrite[], tx: Tx): Promise<void>;
  abstract put(model: string, rows: ExpectationWrite[], tx: Tx): Promise<void>;
  abstract owe(model: string, owner: string, tx: Tx): Promise<void>;
  abstract release(model: string, owner: string, tx: Tx): Promise<void>;
  /** Models owed something by `owner` (e.g. {@link ALIASES_OWED}). */
  abstract modelsOwed(owner: string): Promise<string[]>;
}
