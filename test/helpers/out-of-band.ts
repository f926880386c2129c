import type { Stage } from '../../src/mlflow/stage';
import type { FakeMlflow } from '../fakes/mlflow';

/**
 * Changes made directly in MLflow (its UI or client), not through modelgate: written straight into
 * the fake's registry, so modelgate's calls (`mlflow.requests`) never show them.
 */
export class OutOfBand {
  constructor(private readonly mlflow: FakeMlflow) {}

  /** A stage move; `archiveExisting` archives the other versions in that stage, like MLflow's checkbox. */
  transition(model: string, version: string | number, stage: Stage, options: { archiveExisting?: boolean } = {}): void {
    this.mlflow.state.registry.transition(model, String(version), stage, options.archiveExisting ?? false);
  }

  setAlias(model: string, alias: string, version: string | number): void {
    this.mlflow.state.registry.setAlias(model, alias, String(version));
  }

  deleteAlias(model: string, alias: string): void {
    this.mlflow.state.registry.deleteAlias(model, alias);
  }
}

export const outOfBand = (mlflow: FakeMlflow) => new OutOfBand(mlflow);
