import { Module } from '@nestjs/common';
import { MlflowModule } from '../mlflow/mlflow.module';
import { RegistryModeModule } from '../registry-mode/registry-mode.module';
import { ModelsController } from './models.controller';
import { RegistryService } from './registry.service';
import { RunsController } from './runs.controller';

/** The read API over MLflow: registered models, versions, runs. */
@Module({
  imports: [MlflowModule, RegistryModeModule],
  controllers: [ModelsController, RunsController],
  providers: [RegistryService],
})
export class RegistryModule {}
