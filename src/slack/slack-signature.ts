import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack's request headers, as received (any may be missing), and the body exactly as received. */
export interface SlackSignedRequest {
  /** `X-Slack-Request-Timestamp`: Unix seconds, as text. */
  timestamp?: string;
  /** `X-Slack-Signature`: `v0=` + hex HMAC-SHA256. */
  signature?: string;
  /** The signature is over these bytes, not a re-encoding of the parsed form. */
  rawBody: string;
}

/** Why a request is refused; never more than this, and never what was expected. */
export type SlackSignatureProblem = 'no_secret' | 'missing_headers' | 'bad_signature' | 'stale_timestamp';

export type SlackSignatureCheck = { valid: true } | { valid: false; problem: SlackSignatureProblem };

/** How far Slack's clock (the timestamp it signed) may be from ours, either way: Slack's own advice. */
export const SLACK_TIMESTAMP_TOLERANCE_S = 300;

const UNIX_SECONDS = /^\d{1,12}$/;

/**
 * Checks a request from Slack: `X-Slack-Signature` must be `v0=` + hex(HMAC-SHA256(signing secret,
 * `v0:${timestamp}:${raw body}`)), compared in constant time, and the timestamp within
 * {@link SLACK_TIMESTAMP_TOLERANCE_S} of `nowMs`. The signature is checked first, so "stale" is only
 * ever said of a request Slack really signed (a replay, or a clock to fix).
 */
export function verifySlackSignature(request: SlackSignedRequest, secret: string | undefined, nowMs: number): SlackSignatureCheck {
  if (!secret) return { valid: false, problem: 'no_secret' };
  const { timestamp, signature, rawBody } = request;
  if (!timestamp || !UNIX_SECONDS.test(timestamp) || !signature) return { valid: false, problem: 'missing_headers' };
  const expected = Buffer.from(`v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`, 'utf8').digest('hex')}`);
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { valid: false, problem: 'bad_signature' };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > SLACK_TIMESTAMP_TOLERANCE_S) return { valid: false, problem: 'stale_timestamp' };
  return { valid: true };
}
