import { Module } from '@nestjs/common';
import { ProjectsModule } from '../../projects/projects.module';
import { DriftCheckRequests } from '../drift-check-requests';
import { LoggedDriftCheckRequests } from './logged-drift-check-requests';
import { MlflowWebhookReceiver } from './mlflow-webhook-receiver';
import { MlflowWebhooksController } from './mlflow-webhooks.controller';
import { WebhookDeliveryPurgeJob } from './webhook-delivery-purge.job';
import { WebhookDeliveryStore } from './webhook-delivery.store';
import { TypeOrmWebhookDeliveryStore } from './webhook-delivery.store.typeorm';

/**
 * `POST /webhooks/mlflow`: MLflow 3.3+ deliveries, verified and deduplicated, turned into drift
 * check requests. {@link DriftCheckRequests} is only logged here until the drift watcher provides it.
 */
@Module({
  imports: [ProjectsModule],
  controllers: [MlflowWebhooksController],
  providers: [
    MlflowWebhookReceiver,
    WebhookDeliveryPurgeJob,
    { provide: WebhookDeliveryStore, useClass: TypeOrmWebhookDeliveryStore },
    { provide: DriftCheckRequests, useClass: LoggedDriftCheckRequests },
  ],
})
export class RegistryWebhooksModule {}
