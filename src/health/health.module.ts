import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';
import { MlflowModule } from '../mlflow/mlflow.module';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), MlflowModule],
  controllers: [HealthController],
  providers: [HealthService],
})
export class HealthModule {}
