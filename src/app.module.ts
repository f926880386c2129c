import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ConsoleModule } from './console/console.module';
import { DatabaseModule } from './database/database.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { MlflowModule } from './mlflow/mlflow.module';
import { RegistryModule } from './registry/registry.module';
import { NotificationsModule } from './notifications/notifications.module';
import { ProjectsModule } from './projects/projects.module';
import { MetricsModule } from './metrics/metrics.module';
import { CommonModule } from './common/common.module';
import { DeployGateModule } from './deploy-gate/deploy-gate.module';
import { PromotionsModule } from './promotions/promotions.module';
import { RegistryWatchModule } from './registry-watch/registry-watch.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { ScheduleModule } from '@nestjs/schedule';
import { RegistryWebhooksModule } from './registry-watch/webhooks/webhooks.module';
import { ModelHistoryModule } from './registry-watch/history/model-history.module';
import { SlackModule } from './slack/slack.module';

export interface AppModuleOptions {
  config: AppConfig;
  /** The PostgreSQL to use: DATABASE_URL, or the embedded server main.ts started. */
  databaseUrl: string;
}

@Module({})
export class AppModule {
  static forRoot({ config, databaseUrl }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(databaseUrl, config.databasePoolSize),
        AuthModule,
        AuditModule,
        ProjectsModule,
        HealthModule,
        MlflowModule,
        RegistryModule,
        NotificationsModule,
        EventsModule,
        MetricsModule,
        CommonModule,
        DeployGateModule,
        PromotionsModule,
        RegistryWatchModule,
        ScheduleModule.forRoot(),
        IdempotencyModule,
        RegistryWebhooksModule,
        ModelHistoryModule,
        ConsoleModule,
        SlackModule,
      ],
    };
  }
}
