import type { SESClient } from '@aws-sdk/client-ses';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Lazy } from '../../common/lazy';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { DeliveryError } from '../../outbox/outbox.types';
import { SES_CLIENT, sesSdk } from './ses-client.factory';
import type { RenderedEmail } from '../templates/pipeline-email';

/** SES error names that mean "later", not "never". */
const TRANSIENT_SES_ERRORS = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestThrottled',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'AbortError',
]);

interface SdkErrorShape {
  name?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

/**
 * Throttling, server faults, timeouts and network failures are retried; any other answer of SES
 * (MessageRejected, an unverified sender, a paused account, bad credentials) will not get better.
 */
export function classifySesError(err: unknown): DeliveryError {
  const e = (err ?? {}) as SdkErrorShape;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const reason = `SES ${name}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? String(err)}`;
  const transient = TRANSIENT_SES_ERRORS.has(name) || e.$fault === 'server' || status === undefined || status >= 500 || status === 429;
  return new DeliveryError(reason, !transient);
}

/** Amazon SES through the AWS SDK: one message per recipient. */
@Injectable()
export class SesMailer implements OnApplicationShutdown {
  constructor(
    @Inject(SES_CLIENT) private readonly ses: Lazy<SESClient>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Sends one e-mail; resolves to the SES message id or throws a {@link DeliveryError}. */
  async send(from: string, to: string, email: RenderedEmail): Promise<string> {
    const { SendEmailCommand } = sesSdk();
    const command = new SendEmailCommand({
      Source: from,
      Destination: { ToAddresses: [to] },
      Message: {
        Subject: { Data: email.subject, Charset: 'UTF-8' },
        Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
      },
    });
    try {
      const answer = await this.ses.value.send(command, { abortSignal: AbortSignal.timeout(this.config.outbox.sendTimeoutMs) });
      return answer.MessageId ?? '';
    } catch (err) {
      throw classifySesError(err);
    }
  }

  /** After the outbox worker stopped (it stops in onModuleDestroy). */
  onApplicationShutdown(): void {
    this.ses.peek()?.destroy();
  }
}
