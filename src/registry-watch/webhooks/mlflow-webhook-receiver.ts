import { Inject, Injectable, Logger } from '@nestjs/common';
import { SIGNED_TIMESTAMP_TOLERANCE_S, SignatureProblem } from '../../common/http/signed-request';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { ProjectDirectory } from '../../projects/project.types';
import { DriftCheckRequests } from '../drift-check-requests';
import { modelToCheck, parseMlflowDelivery } from './mlflow-delivery';
import { SignedRequest, verifyWebhookSignature } from './webhook-signature';
import { WebhookDeliveryStore } from './webhook-delivery.store';
import { RegistryWebhookError, RegistryWebhookErrorCode } from './webhooks.errors';

const REFUSAL: Record<SignatureProblem, string> = {
  no_secret: 'modelgate has no MLFLOW_WEBHOOK_SECRET configured: it accepts no MLflow webhook delivery',
  missing_headers: 'X-MLflow-Delivery-Id, X-MLflow-Timestamp and X-MLflow-Signature are required',
  bad_signature: "X-MLflow-Signature does not match the body signed with modelgate's MLFLOW_WEBHOOK_SECRET",
  stale_timestamp: `X-MLflow-Timestamp is more than ${SIGNED_TIMESTAMP_TOLERANCE_S / 60} minutes away from modelgate's clock`,
};

export interface DeliveryAccepted {
  accepted: true;
}

/**
 * Receives MLflow 3.3+ webhook deliveries: only signed, fresh ones; each delivery id once; an
 * alias, tag, version or model event about a project's model asks for a drift check of it.
 */
@Injectable()
export class MlflowWebhookReceiver {
  private readonly logger = new Logger(MlflowWebhookReceiver.name);

  constructor(
    private readonly deliveries: WebhookDeliveryStore,
    private readonly projects: ProjectDirectory,
    private readonly driftChecks: DriftCheckRequests,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async receive(request: SignedRequest, now = new Date()): Promise<DeliveryAccepted> {
    const check = verifyWebhookSignature(request, this.config.mlflowWebhookSecret, now.getTime());
    if (!check.valid) {
      this.logger.warn({ delivery_id: request.deliveryId?.slice(0, 200), problem: check.problem }, 'MLflow webhook delivery refused');
      throw new RegistryWebhookError(RegistryWebhookErrorCode.INVALID_SIGNATURE, REFUSAL[check.problem], { problem: check.problem });
    }
    const delivery = parseMlflowDelivery(request.rawBody);
    if (!delivery) {
      throw new RegistryWebhookError(RegistryWebhookErrorCode.INVALID_WEBHOOK_PAYLOAD, 'The body is not an MLflow webhook delivery: { entity, action, timestamp, data }');
    }
    const candidate = modelToCheck(delivery);
    // Only a project's model is watched; the lookup comes before the record so a failure leaves the delivery to MLflow's retry.
    const model = candidate && (await this.projects.findByModel(candidate)) ? candidate : undefined;
    const deliveryId = request.deliveryId!;
    const first = await this.deliveries.record({ deliveryId, event: delivery.event, model: delivery.model, driftCheckRequested: model !== undefined });
    if (!first) {
      this.logger.log({ delivery_id: deliveryId, event: delivery.event }, 'MLflow webhook delivery seen before; nothing done again');
      return { accepted: true };
    }
    if (model) this.driftChecks.checkSoon(model);
    this.logger.log({ delivery_id: deliveryId, event: delivery.event, model: delivery.model, drift_check: model !== undefined }, 'MLflow webhook delivery accepted');
    return { accepted: true };
  }
}
