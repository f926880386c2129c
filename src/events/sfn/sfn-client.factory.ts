import type { SFNClient } from '@aws-sdk/client-sfn';
import type { FactoryProvider } from '@nestjs/common';
import { Lazy } from '../../common/lazy';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';

/** The Step Functions SDK, loaded on first use: an idle replica (no failure, no reconcile round yet) never needs it. */
export const sfnSdk = (): typeof import('@aws-sdk/client-sfn') => require('@aws-sdk/client-sfn');

/**
 * The one place the Step Functions client is built: region and endpoint from AppConfig, credentials
 * from the SDK's default chain. No SDK retries: a failed enrichment sends without it, a throttled or
 * failed reconciler call is retried by the next round; each caller bounds its call with a signal.
 */
export function createSfnClient(config: AppConfig): SFNClient {
  return new (sfnSdk().SFNClient)({
    region: config.aws.region,
    endpoint: config.aws.endpoints.sfn,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 2000, requestTimeout: 5000 },
  });
}

export const SFN_CLIENT = Symbol('SFN_CLIENT');

export const SFN_CLIENT_PROVIDER: FactoryProvider<Lazy<SFNClient>> = {
  provide: SFN_CLIENT,
  useFactory: (config: AppConfig) => new Lazy(() => createSfnClient(config)),
  inject: [APP_CONFIG],
};
