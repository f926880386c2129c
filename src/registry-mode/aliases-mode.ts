import type { MlflowClient } from '../mlflow/mlflow.client';
import { MLFLOW_ENDPOINTS, MlflowEndpointName } from '../mlflow/mlflow.client';
import { MlflowErrorCode, isMlflowError } from '../mlflow/mlflow.errors';
import type { ModelVersion } from '../mlflow/mlflow.types';
import type { Stage } from '../common/stage';
import type { StageAliases } from '../projects/project.types';
import { Provenance, provenanceTags } from './provenance';
import type { MoveOutcome, RegistryMode, StageMove } from './registry-mode';
import { STAGE_TAG, aliasOfStage, derivedStage, stageUri } from './stage-aliases';

/**
 * `model.registry: aliases`: a stage is an alias (`champion`, `challenger`), Archived is the tag
 * modelgate.stage; transition-stage is never called. A move is several idempotent writes, each
 * sent once, ordered so that the version reaches its stage with one write (setting the alias;
 * removing it, for Archived) and nothing visible changes before it.
 */
export class AliasesMode implements RegistryMode {
  readonly kind = 'aliases';
  readonly exclusiveStages: readonly Stage[] = ['Staging', 'Production'];
  readonly mirrorsAliases = false;
  readonly managedAliases: readonly string[];

  constructor(
    private readonly mlflow: MlflowClient,
    private readonly aliases: StageAliases,
    readonly writesProvenance: boolean,
  ) {
    this.managedAliases = [aliases.Staging, aliases.Production].sort();
  }

  stageOf(v: Pick<ModelVersion, 'aliases' | 'tags'>): Stage {
    return derivedStage(v.aliases, v.tags, this.aliases);
  }

  aliasesIn(stage: Stage): string[] {
    const alias = aliasOfStage(stage, this.aliases);
    return alias ? [alias] : [];
  }

  modelUri(model: string, stage: Stage): string {
    return stageUri(model, stage, this.aliases);
  }

  provenanceTags(_stage: Stage, provenance: Provenance): Record<string, string> {
    return provenanceTags(provenance);
  }

  async version(model: string, version: string): Promise<ModelVersion> {
    return this.derived(await this.mlflow.getModelVersion(model, version));
  }

  /** The version the stage's alias names; none for a stage without one, or an alias no version holds. */
  async holders(model: string, stage: Stage): Promise<ModelVersion[]> {
    const alias = aliasOfStage(stage, this.aliases);
    if (!alias) return [];
    try {
      return [this.derived(await this.mlflow.getVersionByAlias(model, alias))];
    } catch (err) {
      // MLflow answers 400 "Registered model alias … not found": no version holds it.
      if (isMlflowError(err, MlflowErrorCode.ALIAS_NOT_FOUND)) return [];
      throw err;
    }
  }

  async deployable(model: string): Promise<ModelVersion[]> {
    const [production, staging] = await Promise.all([this.holders(model, 'Production'), this.holders(model, 'Staging')]);
    return [...production, ...staging.filter((s) => !production.some((p) => p.version === s.version))];
  }

  async move(m: StageMove): Promise<void> {
    await this.converge(m, await this.version(m.model, m.version));
  }

  /** A write may have been taken before a later one failed; a failed read changed nothing. */
  mayHaveApplied(err: unknown): boolean {
    return isMlflowError(err) && MLFLOW_ENDPOINTS[err.details.endpoint as MlflowEndpointName]?.write === true;
  }

  async settle(m: StageMove): Promise<MoveOutcome> {
    const current = await this.version(m.model, m.version);
    if (current.stage !== m.to) return { reached: false, stage: current.stage };
    await this.converge(m, current);
    return { reached: true, stage: current.stage };
  }

  async putBack(model: string, version: string, stage: Stage): Promise<void> {
    await this.mlflow.setModelVersionTag(model, version, STAGE_TAG, stage);
  }

  /** Writes only what `current` lacks; the alias (or its removal, for Archived) is what moves the version. */
  private async converge(m: StageMove, current: ModelVersion): Promise<void> {
    const { model, version, to } = m;
    const target = aliasOfStage(to, this.aliases);
    const held = this.managedAliases.filter((a) => current.aliases.includes(a));
    if (target && !held.includes(target)) await this.mlflow.setAlias(model, target, version);
    if (current.tags[STAGE_TAG] !== to) await this.mlflow.setModelVersionTag(model, version, STAGE_TAG, to);
    // A version holds one stage alias at most: entering Production gives up the Staging one.
    for (const alias of held) if (alias !== target) await this.mlflow.deleteAlias(model, alias);
    for (const displaced of m.displaced) {
      if (displaced !== version) await this.mlflow.setModelVersionTag(model, displaced, STAGE_TAG, 'Archived');
    }
  }

  private derived(v: ModelVersion): ModelVersion {
    return { ...v, stage: this.stageOf(v) };
  }
}
