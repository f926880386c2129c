import type { MlflowClient } from '../mlflow/mlflow.client';
import { MlflowErrorCode, isMlflowError } from '../mlflow/mlflow.errors';
import type { ModelVersion } from '../mlflow/mlflow.types';
import type { Stage } from '../common/stage';
import { Provenance, provenanceTags } from './provenance';
import type { MoveOutcome, RegistryMode, StageMove } from './registry-mode';
import { MIRRORED_ALIASES, stageUri } from './stage-aliases';

/** MLflow's own stages: one `transition-stage` per move, archive_existing_versions entering Production. */
export class StagesMode implements RegistryMode {
  readonly kind = 'stages';
  readonly exclusiveStages: readonly Stage[] = ['Production'];
  readonly managedAliases: readonly string[];

  constructor(
    private readonly mlflow: MlflowClient,
    readonly mirrorsAliases: boolean,
    readonly writesProvenance: boolean,
  ) {
    this.managedAliases = mirrorsAliases ? Object.values(MIRRORED_ALIASES).sort() : [];
  }

  stageOf(v: Pick<ModelVersion, 'stage'>): Stage {
    return v.stage;
  }

  aliasesIn(): undefined {
    return undefined;
  }

  modelUri(model: string, stage: Stage): string {
    return stageUri(model, stage, undefined);
  }

  provenanceTags(stage: Stage, provenance: Provenance): Record<string, string> {
    return provenanceTags(provenance, stage);
  }

  version(model: string, version: string): Promise<ModelVersion> {
    return this.mlflow.getModelVersion(model, version);
  }

  /** MLflow lists the highest version of the stage. */
  holders(model: string, stage: Stage): Promise<ModelVersion[]> {
    return this.mlflow.getLatestVersions(model, [stage]);
  }

  deployable(model: string): Promise<ModelVersion[]> {
    return this.mlflow.getLatestVersions(model);
  }

  async move(m: StageMove): Promise<void> {
    await this.mlflow.transitionStage(m.model, m.version, m.to, m.to === 'Production');
  }

  /** One write: only an unclear answer (timeout, dropped connection, 5xx) can hide that it applied. */
  mayHaveApplied(err: unknown): boolean {
    return isMlflowError(err, MlflowErrorCode.MLFLOW_UNAVAILABLE);
  }

  async settle(m: StageMove): Promise<MoveOutcome> {
    const stage = (await this.mlflow.getModelVersion(m.model, m.version)).stage;
    return { reached: stage === m.to, stage };
  }

  async putBack(model: string, version: string, stage: Stage): Promise<void> {
    await this.mlflow.transitionStage(model, version, stage, false);
  }
}
