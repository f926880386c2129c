import { SFNClient } from '@aws-sdk/client-sfn';
import type { FactoryProvider } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';

/**
 * The one place the Step Functions client is built: region and endpoint from AppConfig, credentials
 * from the SDK's default chain. No SDK retries: a failed enrichment sends without it, a throttled or
 * failed reconciler call is retried by the next round; each caller bounds its call with a signal.
 */
export function createSfnClient(config: AppConfig): SFNClient {
  return new SFNClient({
    region: config.aws.region,
    endpoint: config.aws.endpoints.sfn,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 2000, requestTimeout: 5000 },
  });
}

export const SFN_CLIENT_PROVIDER: FactoryProvider<SFNClient> = {
  provide: SFNClient,
  useFactory: createSfnClient,
  inject: [APP_CONFIG],
};
