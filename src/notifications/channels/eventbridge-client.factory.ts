import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { FactoryProvider } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';

/**
 * The one place the EventBridge client is built: region and endpoint from AppConfig, timeouts on
 * every call, no SDK retries: the outbox retries exactly the entries that failed.
 */
export function createEventBridgeClient(config: AppConfig): EventBridgeClient {
  return new EventBridgeClient({
    region: config.aws.region,
    endpoint: config.aws.endpoints.eventbridge,
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: Math.min(config.outbox.sendTimeoutMs, 3000),
      requestTimeout: config.outbox.sendTimeoutMs,
    },
  });
}

export const EVENTBRIDGE_CLIENT_PROVIDER: FactoryProvider<EventBridgeClient> = {
  provide: EventBridgeClient,
  useFactory: createEventBridgeClient,
  inject: [APP_CONFIG],
};
