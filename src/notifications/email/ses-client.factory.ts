import type { SESClient } from '@aws-sdk/client-ses';
import type { FactoryProvider } from '@nestjs/common';
import { Lazy } from '../../common/lazy';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';

/** The SES SDK, loaded at the first e-mail: an idle replica never needs it. */
export const sesSdk = (): typeof import('@aws-sdk/client-ses') => require('@aws-sdk/client-ses');

/**
 * The one place the SES client is built: region and endpoint from AppConfig (credentials from the
 * SDK's default chain), timeouts on every call, and no SDK retries: the outbox retries, so a send
 * that timed out after SES accepted it is not repeated twice over.
 */
export function createSesClient(config: AppConfig): SESClient {
  return new (sesSdk().SESClient)({
    region: config.aws.region,
    endpoint: config.aws.endpoints.ses,
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: Math.min(config.outbox.sendTimeoutMs, 3000),
      requestTimeout: config.outbox.sendTimeoutMs,
    },
  });
}

export const SES_CLIENT = Symbol('SES_CLIENT');

export const SES_CLIENT_PROVIDER: FactoryProvider<Lazy<SESClient>> = {
  provide: SES_CLIENT,
  useFactory: (config: AppConfig) => new Lazy(() => createSesClient(config)),
  inject: [APP_CONFIG],
};
