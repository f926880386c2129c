import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { FactoryProvider } from '@nestjs/common';
import { Lazy } from '../common/lazy';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

/** The EventBridge SDK, loaded at the first bus event: an idle replica (or one without EVENT_BUS_NAME) never needs it. */
export const eventBridgeSdk = (): typeof import('@aws-sdk/client-eventbridge') => require('@aws-sdk/client-eventbridge');

/**
 * The one place the EventBridge client is built: region and endpoint from AppConfig, timeouts on
 * every call, no SDK retries: the outbox retries exactly the entries that failed.
 */
export function createEventBridgeClient(config: AppConfig): EventBridgeClient {
  return new (eventBridgeSdk().EventBridgeClient)({
    region: config.aws.region,
    endpoint: config.aws.endpoints.eventbridge,
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: Math.min(config.outbox.sendTimeoutMs, 3000),
      requestTimeout: config.outbox.sendTimeoutMs,
    },
  });
}

export const EVENTBRIDGE_CLIENT = Symbol('EVENTBRIDGE_CLIENT');

export const EVENTBRIDGE_CLIENT_PROVIDER: FactoryProvider<Lazy<EventBridgeClient>> = {
  provide: EVENTBRIDGE_CLIENT,
  useFactory: (config: AppConfig) => new Lazy(() => createEventBridgeClient(config)),
  inject: [APP_CONFIG],
};
