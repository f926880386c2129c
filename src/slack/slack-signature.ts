import { createHmac } from 'node:crypto';
import { SignatureCheck, UNIX_SECONDS, signatureVerdict } from '../common/http/signed-request';

/** Slack's request headers, as received (any may be missing), and the body exactly as received. */
export interface SlackSignedRequest {
  /** `X-Slack-Request-Timestamp`: Unix seconds, as text. */
  timestamp?: string;
  /** `X-Slack-Signature`: `v0=` + hex HMAC-SHA256. */
  signature?: string;
  /** The signature is over these bytes, not a re-encoding of the parsed form. */
  rawBody: string;
}

/**
 * Checks a request from Slack: `X-Slack-Signature` must be `v0=` + hex(HMAC-SHA256(signing secret,
 * `v0:${timestamp}:${raw body}`)), and the timestamp be fresh ({@link signatureVerdict}).
 */
export function verifySlackSignature(request: SlackSignedRequest, secret: string | undefined, nowMs: number): SignatureCheck {
  if (!secret) return { valid: false, problem: 'no_secret' };
  const { timestamp, signature, rawBody } = request;
  if (!timestamp || !UNIX_SECONDS.test(timestamp) || !signature) return { valid: false, problem: 'missing_headers' };
  const expected = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`, 'utf8').digest('hex')}`;
  return signatureVerdict([signature], expected, timestamp, nowMs);
}
