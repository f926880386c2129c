import { Injectable } from '@nestjs/common';
import { MlflowServer } from '../mlflow/mlflow-server';
import { MlflowClient } from '../mlflow/mlflow.client';
import { ProjectDirectory, ResolvedProject } from '../projects/project.types';
import { projectConfigRefused } from '../projects/projects.errors';
import { registryModeRefusal } from '../projects/registry-support';
import { AliasesMode } from './aliases-mode';
import type { RegistryMode } from './registry-mode';
import { StagesMode } from './stages-mode';

/**
 * The {@link RegistryMode} of a project (a model no project claims is in stages mode). A project in
 * aliases mode that the MLflow it runs against cannot hold (older than 2.3) is refused here, for
 * every reader and writer alike: PROJECT_CONFIG_REFUSED.
 */
@Injectable()
export class RegistryModes {
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

  /** The mode of the project that claims `model`. */
  async forModel(model: string): Promise<RegistryMode> {
    return this.of(await this.projects.findByModel(model));
  }
}
