/** How one logical MLflow call ended (retries included). */
export type MlflowCallOutcome = 'ok' | 'not_found' | 'rejected' | 'unavailable';

export interface MlflowCallRecord {
  /** Catalogue name of the call, e.g. `getModelVersion`; a bounded set, safe as a metric label. */
  endpoint: string;
  outcome: MlflowCallOutcome;
  durationMs: number;
  /** HTTP attempts made (1 when not retried). */
  attempts: number;
  /** The last HTTP status MLflow answered, when it answered. */
  status?: number;
}

/**
 * Hears about every MLflow call once it ends: {@link MlflowCallMetrics} in the app, a recorder in
 * tests. Must not throw.
 */
export abstract class MlflowCallObserver {
  abstract record(call: MlflowCallRecord): void;
}
