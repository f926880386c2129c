import type { EventBridgeClient, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Lazy } from '../common/lazy';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DeliveryError, DeliveryOutcome } from '../outbox/outbox.types';
import { EVENTBRIDGE_CLIENT, eventBridgeSdk } from './eventbridge-client.factory';

/** EventBridge's own limit on entries per PutEvents call. */
export const PUT_EVENTS_MAX_ENTRIES = 10;

/** Per-entry error codes EventBridge documents as retryable; any other code will not get better. */
const RETRYABLE_ENTRY_ERRORS = new Set(['InternalFailure', 'ThrottlingException']);
const TRANSIENT_CALL_ERRORS = new Set(['ThrottlingException', 'InternalException', 'InternalFailure', 'ServiceUnavailable', 'TimeoutError', 'AbortError', 'RequestTimeout']);

interface SdkErrorShape {
  name?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

/** A failed PutEvents call as a whole: throttling, 5xx, timeouts and network failures are retried. */
export function classifyPutEventsError(err: unknown): DeliveryError {
  const e = (err ?? {}) as SdkErrorShape;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const reason = `EventBridge ${name}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? String(err)}`;
  const transient = TRANSIENT_CALL_ERRORS.has(name) || e.$fault === 'server' || status === undefined || status >= 500 || status === 429;
  return new DeliveryError(reason, !transient);
}

/** One entry's answer: accepted, or its ErrorCode classified. */
export function entryOutcome(entry: { EventId?: string; ErrorCode?: string; ErrorMessage?: string } | undefined): DeliveryOutcome {
  if (entry?.EventId && !entry.ErrorCode) return { result: 'delivered' };
  const code = entry?.ErrorCode ?? 'MissingEntry';
  const error = `EventBridge refused the entry: ${code}${entry?.ErrorMessage ? `: ${entry.ErrorMessage}` : ''}`;
  return RETRYABLE_ENTRY_ERRORS.has(code) || code === 'MissingEntry' ? { result: 'retry', error } : { result: 'dead', error };
}

/** EventBridge PutEvents through the AWS SDK: at most 10 entries a call, one outcome per entry. */
@Injectable()
export class EventBusPublisher implements OnApplicationShutdown {
  constructor(
    @Inject(EVENTBRIDGE_CLIENT) private readonly client: Lazy<EventBridgeClient>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Throws a {@link DeliveryError} when the call as a whole failed. */
  async putEvents(entries: PutEventsRequestEntry[]): Promise<DeliveryOutcome[]> {
    if (entries.length > PUT_EVENTS_MAX_ENTRIES) throw new Error(`PutEvents takes at most ${PUT_EVENTS_MAX_ENTRIES} entries`);
    try {
      const { PutEventsCommand } = eventBridgeSdk();
      const answer = await this.client.value.send(new PutEventsCommand({ Entries: entries }), {
        abortSignal: AbortSignal.timeout(this.config.outbox.sendTimeoutMs),
      });
      return entries.map((_, i) => entryOutcome(answer.Entries?.[i]));
    } catch (err) {
      throw classifyPutEventsError(err);
    }
  }

  onApplicationShutdown(): void {
    this.client.peek()?.destroy();
  }
}
