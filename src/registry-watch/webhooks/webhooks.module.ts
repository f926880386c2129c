import { Module } from '@nestjs/common';
import { ProjectsModule } from '../../projects/projects.module';
import { RegistryWatchModule } from '../registry-watch.module';
import { MlflowWebhookReceiver } from './mlflow-webhook-receiver';
import { MlflowWebhooksController } from './mlflow-webhooks.controller';
import { WebhookDeliveryPurgeJob } from './webhook-delivery-purge.job';
import { WebhookDeliveryStore } from './webhook-delivery.store';
import { TypeOrmWebhookDeliveryStore } from './webhook-delivery.store.typeorm';

/**
 * `POST /webhooks/mlflow`: MLflow 3.3+ deliveries, verified and deduplicated, turned into drift
 * check requests, which the drift watcher of {@link RegistryWatchModule} answers within a second.
 */
@Module({
  imports: [ProjectsModule, RegistryWatchModule],
  controllers: [MlflowWebhooksController],
  providers: [
    MlflowWebhookReceiver,
    WebhookDeliveryPurgeJob,
    { provide: WebhookDeliveryStore, useClass: TypeOrmWebhookDeliveryStore },
  ],
})
export class RegistryWebhooksModule {}
