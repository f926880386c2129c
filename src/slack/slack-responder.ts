import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { SlackPost } from '../notifications/slack/slack-webhook';
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
  private readonly slack: SlackPost;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.slack = new SlackPost(config.outbox.sendTimeoutMs);
  }

  /** Throws a {@link DeliveryError} (permanent: Slack refused it, e.g. an expired URL) unless Slack accepted the reply. */
  async reply(responseUrl: string, reply: SlackReply, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const failure = await this.slack.send(responseUrl, reply);
      if (!failure) return;
      const waitMs = failure.retryAfterMs ?? BACKOFF_MS[attempt - 1];
      if (failure.permanent || attempt >= REPLY_ATTEMPTS || waitMs > MAX_RETRY_AFTER_MS) throw failure;
      await sleep(waitMs);
    }
  }
}
