import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { NotificationsModule } from '../notifications/notifications.module';
import { MlflowModule } from '../mlflow/mlflow.module';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), NotificationsModule, MlflowModule],
  controllers: [HealthController],
  providers: [HealthService],
})
export class HealthModule {}
