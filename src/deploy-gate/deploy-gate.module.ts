import { Module } from '@nestjs/common';
import { LifecycleEventsModule } from '../lifecycle-events/lifecycle-events.module';
import { MlflowModule } from '../mlflow/mlflow.module';
import { ProjectsModule } from '../projects/projects.module';
import { RegistryModeModule } from '../registry-mode/registry-mode.module';
import { RegistryWatchModule } from '../registry-watch/registry-watch.module';
import { DeployDecisionLog } from './deploy-decision-log';
import { DeployDecisionStore } from './deploy-decision.store';
import { TypeOrmDeployDecisionStore } from './deploy-decision.store.typeorm';
import { DeployGateController } from './deploy-gate.controller';
import { DeployGateService } from './deploy-gate.service';
import { GateRegistryReader } from './gate-registry-reader';
import { StageChangeBridge } from './stage-change-bridge';

@Module({
  imports: [MlflowModule, ProjectsModule, LifecycleEventsModule, RegistryWatchModule, RegistryModeModule],
  controllers: [DeployGateController],
  providers: [DeployGateService, DeployDecisionLog, GateRegistryReader, StageChangeBridge, { provide: DeployDecisionStore, useClass: TypeOrmDeployDecisionStore }],
})
export class DeployGateModule {}
