import { Inject, Injectable } from '@nestjs/common';
import axios, { AxiosInstance, isAxiosError } from 'axios';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { classifySlackAnswer } from '../notifications/slack/slack-webhook';
import { DeliveryError } from '../outbox/outbox.types';
import type { SlackReply } from './decision-message';

/** Attempts per reply; the recovery loop tries again later when all fail. */
export const REPLY_ATTEMPTS = 3;
/** Backoff before the 2nd and 3rd attempt after a 5xx or a network failure. */
const BACKOFF_MS = [250, 1000];
/** A longer Retry-After is left to the recovery loop rather than waited for here. */
const MAX_RETRY_AFTER_MS = 5000;

/**
 * Slack's response_url of an interaction: replies (an ephemeral message to the clicker, or the
 * message updated in place), POSTed as JSON, each attempt cut at NOTIFY_TIMEOUT_MS, retried on 429
 * (after Retry-After) and 5xx. The URL is a capability and never appears in an error or a log.
 */
@Injectable()
export class SlackResponder {
  private readonly http: AxiosInstance;
  private readonly timeoutMs: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.timeoutMs = config.outbox.sendTimeoutMs;
    this.http = axios.create({
      timeout: this.timeoutMs,
      maxRedirects: 0,
      responseType: 'text',
      transformResponse: (data: unknown) => data,
      validateStatus: () => true,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
  }

  /** Throws a {@link DeliveryError} (permanent: Slack refused it, e.g. an expired URL) unless Slack accepted the reply. */
  async reply(responseUrl: string, reply: SlackReply, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const failure = await this.attempt(responseUrl, reply);
      if (!failure) return;
      const waitMs = failure.retryAfterMs ?? BACKOFF_MS[attempt - 1];
      if (failure.permanent || attempt >= REPLY_ATTEMPTS || waitMs > MAX_RETRY_AFTER_MS) throw failure;
      await sleep(waitMs);
    }
  }

  private async attempt(url: string, reply: SlackReply): Promise<DeliveryError | undefined> {
    const deadline = AbortSignal.timeout(this.timeoutMs);
    try {
      const res = await this.http.post(url, JSON.stringify(reply), { signal: deadline });
      return res.status >= 200 && res.status < 300 ? undefined : classifySlackAnswer(res.status, res.data, res.headers['retry-after']);
    } catch (err) {
      if (deadline.aborted) return new DeliveryError(`Slack did not answer within ${this.timeoutMs} ms`, false);
      // Only the error code: axios messages and configs carry the URL.
      return new DeliveryError(`Slack not reachable (${isAxiosError(err) ? (err.code ?? 'network error') : 'network error'})`, false);
    }
  }
}
