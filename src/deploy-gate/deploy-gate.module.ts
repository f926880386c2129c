import { Module } from '@nestjs/common';
import { MlflowModule } from '../mlflow/mlflow.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { ProjectsModule } from '../projects/projects.module';
import { RegistryModeModule } from '../registry-mode/registry-mode.module';
import { RegistryWatchModule } from '../registry-watch/registry-watch.module';
import { DeployDecisionStore } from './deploy-decision.store';
import { TypeOrmDeployDecisionStore } from './deploy-decision.store.typeorm';
import { DeployGateController } from './deploy-gate.controller';
import { DeployGateService } from './deploy-gate.service';
import { GateRegistryReader } from './gate-registry-reader';
import { StageChangeBridge } from './stage-change-bridge';

@Module({
  imports: [MlflowModule, ProjectsModule, NotificationsModule, RegistryWatchModule, RegistryModeModule],
  controllers: [DeployGateController],
  providers: [DeployGateService, GateRegistryReader, StageChangeBridge, { provide: DeployDecisionStore, useClass: TypeOrmDeployDecisionStore }],
})
export class DeployGateModule {}
