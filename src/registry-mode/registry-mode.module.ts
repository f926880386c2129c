import { Module } from '@nestjs/common';
import { MlflowModule } from '../mlflow/mlflow.module';
import { ProjectsModule } from '../projects/projects.module';
import { RegistryModes } from './registry-modes';

/**
 * How each project's stages live in MLflow (stages, or aliases standing for them): the one place
 * promotions, the deploy gate and the registry watch read and move stages through.
 */
@Module({
  imports: [MlflowModule, ProjectsModule],
  providers: [RegistryModes],
  exports: [RegistryModes],
})
export class RegistryModeModule {}
