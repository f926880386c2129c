import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiOkResponse, ApiProperty, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Public } from '../../auth/roles.decorator';
import { RequestHeaders, singleHeader } from '../../common/http/headers';
import { RawJsonBody } from '../../common/http/raw-body.decorator';
import { MlflowWebhookReceiver } from './mlflow-webhook-receiver';

/** MLflow's deliveries are a few hundred bytes; this leaves room and refuses floods early. */
const DELIVERY_BODY_LIMIT = 64 * 1024;

class DeliveryAcceptedView {
  @ApiProperty({ enum: [true] }) accepted!: true;
}

@ApiTags('registry-watch')
@Controller('webhooks')
export class MlflowWebhooksController {
  constructor(private readonly receiver: MlflowWebhookReceiver) {}

  /** No API key: MLflow signs each delivery with MLFLOW_WEBHOOK_SECRET, verified over the raw body. */
  @Post('mlflow')
  @Public()
  @HttpCode(200)
  @RawJsonBody(DELIVERY_BODY_LIMIT)
  @ApiBody({ description: 'One MLflow 3.3+ webhook delivery, signed (X-MLflow-Delivery-Id, X-MLflow-Timestamp, X-MLflow-Signature)', schema: { type: 'object' } })
  @ApiOkResponse({ type: DeliveryAcceptedView, description: 'Accepted (a repeated delivery id is accepted and nothing is done again)' })
  @ApiUnauthorizedResponse({ description: 'INVALID_SIGNATURE: bad or missing signature, timestamp more than 5 minutes off, or no MLFLOW_WEBHOOK_SECRET' })
  @ApiBadRequestResponse({ description: 'INVALID_WEBHOOK_PAYLOAD: signed, but not an MLflow delivery' })
  receive(@Headers() headers: RequestHeaders, @Body() rawBody: unknown): Promise<DeliveryAcceptedView> {
    return this.receiver.receive({
      deliveryId: singleHeader(headers, 'x-mlflow-delivery-id'),
      timestamp: singleHeader(headers, 'x-mlflow-timestamp'),
      signature: singleHeader(headers, 'x-mlflow-signature'),
      rawBody: typeof rawBody === 'string' ? rawBody : '',
    });
  }
}
