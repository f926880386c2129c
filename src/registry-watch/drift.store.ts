import type { Tx } from '../database/transactions';
import type { VersionState } from './drift';

export type DriftStatus = 'open' | 'resolved';
export const DRIFT_STATUSES: readonly DriftStatus[] = ['open', 'resolved'];
/** `superseded`: the version moved again; a new drift holds its new state. */
export type DriftResolution = 'adopted' | 'reverted' | 'returned' | 'superseded';

/** One distinct difference between MLflow and modelgate's expectation of one version. */
export interface Drift {
  id: string;
  model: string;
  project: string | null;
  version: string;
  expected: VersionState;
  observed: VersionState;
  /** MLflow's last_updated_timestamp of the version when the drift was found. */
  mlflowUpdatedAt: Date | null;
  status: DriftStatus;
  detectedAt: Date;
  /** The `registry.drift_detected` audit event. */
  detectedSeq: number;
  resolvedAt: Date | null;
  resolution: DriftResolution | null;
  resolvedSeq: number | null;
  resolvedBy: string | null;
}

export type NewDrift = Pick<Drift, 'id' | 'model' | 'project' | 'version' | 'expected' | 'observed' | 'mlflowUpdatedAt' | 'detectedSeq'>;

export interface DriftFilter {
  project?: string;
  status?: DriftStatus;
}

export interface DriftResolutionWrite {
  resolution: DriftResolution;
  /** The audit event that records it (none for a superseded drift: the new detection does). */
  seq: number | null;
  by: string;
}

/** `registry_drifts`. */
export abstract class DriftStore {
  abstract open(model: string, tx?: Tx): Promise<Drift[]>;
  abstract insert(drift: NewDrift, tx: Tx): Promise<void>;
  /** Undefined when it was no longer open. */
  abstract resolve(id: string, resolution: DriftResolutionWrite, tx: Tx): Promise<Drift | undefined>;
  /** Newest detection first, below `beforeSeq` when given. */
  abstract list(filter: DriftFilter, limit: number, beforeSeq?: number): Promise<Drift[]>;
}
