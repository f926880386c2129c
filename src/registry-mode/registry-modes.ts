import { Injectable } from '@nestjs/common';
import { ShortCache } from '../common/short-cache';
import type { Stage } from '../common/stage';
import { MlflowServer } from '../mlflow/mlflow-server';
import { MlflowClient } from '../mlflow/mlflow.client';
import type { ModelVersion } from '../mlflow/mlflow.types';
import { ProjectDirectory, ResolvedProject } from '../projects/project.types';
import { projectConfigRefused } from '../projects/projects.errors';
import { registryModeRefusal } from '../projects/registry-support';
import { AliasesMode } from './aliases-mode';
import type { RegistryMode } from './registry-mode';
import { derivedStage } from './stage-aliases';
import { StagesMode } from './stages-mode';

/**
 * The {@link RegistryMode} of a project (a model no project claims is in stages mode). A project in
 * aliases mode that the MLflow it runs against cannot hold (older than 2.3) is refused here, for
 * every reader and writer alike: PROJECT_CONFIG_REFUSED.
 */
@Injectable()
export class RegistryModes {
  /** The read API asks for every read; a project's mode is remembered for a second (house rule: ≤ 1 s). */
  private readonly readers = new ShortCache<ResolvedProject | undefined>(1000);

  constructor(
    private readonly mlflow: MlflowClient,
    private readonly server: MlflowServer,
    private readonly projects: ProjectDirectory,
  ) {}

  async of(project: ResolvedProject | undefined): Promise<RegistryMode> {
    if (!project) return new StagesMode(this.mlflow, false, true);
    if (project.registry === 'stages') return new StagesMode(this.mlflow, project.modelAliases, project.provenanceTags);
    // Only asks MLflow while its release is unknown on this replica.
    const refusal = registryModeRefusal(project, await this.server.current());
    if (refusal) throw projectConfigRefused(project.name, refusal);
    return new AliasesMode(this.mlflow, project.stageAliases, project.provenanceTags);
  }

  /**
   * How the read API shows a version's stage for the project claiming `model` when it is not
   * MLflow's own: derived from its aliases and `modelgate.stage` tag in aliases mode; undefined in
   * stages mode. Never refused (reading is harmless even where the MLflow release cannot hold
   * aliases mode).
   */
  async derivedStages(model: string): Promise<((v: Pick<ModelVersion, 'aliases' | 'tags'>) => Stage) | undefined> {
    const project = await this.readers.get(model, () => this.projects.findByModel(model));
    if (project?.registry !== 'aliases') return undefined;
    return (v) => derivedStage(v.aliases, v.tags, project.stageAliases);
  }

  /** The mode of the project that claims `model`. */
  async forModel(model: string): Promise<RegistryMode> {
    return this.of(await this.projects.findByModel(model));
  }
}
