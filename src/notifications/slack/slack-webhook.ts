import { Inject, Injectable } from '@nestjs/common';
import axios, { AxiosInstance, isAxiosError } from 'axios';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { DeliveryError } from '../../outbox/outbox.types';
import type { SlackMessage } from '../templates/pipeline-slack';

/** Retry-After in seconds or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: unknown, now = Date.now()): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Slack's answer to a failed post, classified. The webhook URL is a secret and never appears. */
export function classifySlackAnswer(status: number, body: unknown, retryAfter: unknown): DeliveryError {
  const text = typeof body === 'string' ? body.slice(0, 200) : '';
  const reason = `Slack answered HTTP ${status}${text ? `: ${text}` : ''}`;
  if (status === 429) return new DeliveryError(reason, false, parseRetryAfter(retryAfter) ?? 1000);
  if (status >= 500 || status === 408) return new DeliveryError(reason, false);
  // invalid_token, channel_is_archived, no_service, invalid_payload…: retrying will not help.
  return new DeliveryError(reason, true);
}

/**
 * One POST of a JSON body to a Slack URL (an incoming webhook or an interaction's response_url),
 * the whole call cut at `timeoutMs`. The URL is a capability and never appears in an error.
 */
export class SlackPost {
  private readonly http: AxiosInstance;

  constructor(private readonly timeoutMs: number) {
    this.http = axios.create({
      timeout: timeoutMs,
      maxRedirects: 0,
      responseType: 'text',
      transformResponse: (data: unknown) => data,
      validateStatus: () => true,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
  }

  /** Undefined when Slack accepted the body, else why not as a {@link DeliveryError}. */
  async send(url: string, body: unknown): Promise<DeliveryError | undefined> {
    // axios' timeout is wall-clock only until the headers, then idle time; the lease needs the whole call bounded.
    const deadline = AbortSignal.timeout(this.timeoutMs);
    try {
      const res = await this.http.post(url, JSON.stringify(body), { signal: deadline });
      return res.status >= 200 && res.status < 300 ? undefined : classifySlackAnswer(res.status, res.data, res.headers['retry-after']);
    } catch (err) {
      if (deadline.aborted) return new DeliveryError(`Slack did not answer within ${this.timeoutMs} ms`, false);
      // Only the error code: axios messages and configs can carry the URL.
      return new DeliveryError(`Slack not reachable (${isAxiosError(err) ? (err.code ?? 'network error') : 'network error'})`, false);
    }
  }
}

/** Slack incoming webhooks: one POST of a Block Kit message, cut at NOTIFY_TIMEOUT_MS. */
@Injectable()
export class SlackWebhook {
  private readonly slack: SlackPost;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.slack = new SlackPost(config.outbox.sendTimeoutMs);
  }

  /** Posts the message to the webhook; throws a {@link DeliveryError} unless Slack accepted it. */
  async post(url: string, message: SlackMessage): Promise<void> {
    const failure = await this.slack.send(url, message);
    if (failure) throw failure;
  }
}
