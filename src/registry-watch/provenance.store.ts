import type { Tx } from '../database/transactions';

/** The provenance tags modelgate wants on one version, not yet all taken by MLflow. */
export interface OwedProvenance {
  version: string;
  tags: Record<string, string>;
}

/** `registry_provenance`: the tags each changed version is owed, written in the change's transaction. */
export abstract class ProvenanceStore {
  /** Replaces what each version is owed (a later change supersedes an earlier one's tags). */
  abstract owe(model: string, rows: OwedProvenance[], tx: Tx): Promise<void>;
  abstract owed(model: string, tx?: Tx): Promise<OwedProvenance[]>;
  /** No longer owed, unless a later change owes other tags meanwhile. */
  abstract written(model: string, row: OwedProvenance, tx?: Tx): Promise<void>;
  abstract modelsOwed(): Promise<string[]>;
}
