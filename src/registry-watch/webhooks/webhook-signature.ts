import { createHmac, timingSafeEqual } from 'node:crypto';

/** MLflow's delivery headers, as received (any may be missing). */
export interface SignedRequest {
  deliveryId?: string;
  /** Unix seconds, as text. */
  timestamp?: string;
  /** `v1,<base64>`; several space-separated signatures are allowed (Standard Webhooks). */
  signature?: string;
  /** The body exactly as received: the signature is over these bytes, not a re-serialisation. */
  rawBody: string;
}

/** Why a delivery is refused; never says more than this, and never what was expected. */
export type SignatureProblem = 'no_secret' | 'missing_headers' | 'bad_signature' | 'stale_timestamp';

export type SignatureCheck = { valid: true } | { valid: false; problem: SignatureProblem };

/** How far MLflow's clock (the timestamp it signed) may be from ours, either way. */
export const TIMESTAMP_TOLERANCE_S = 300;

const DELIVERY_ID = /^[\x21-\x7e]{1,200}$/;
const UNIX_SECONDS = /^\d{1,12}$/;

/**
 * Checks an MLflow 3.x webhook delivery: `X-MLflow-Signature` must be `v1,` + base64(HMAC-SHA256(
 * secret, `${delivery id}.${timestamp}.${raw body}`)), compared in constant time, and the signed
 * timestamp within {@link TIMESTAMP_TOLERANCE_S} of `nowMs`. The signature is checked first, so
 * "stale" is only ever said of a delivery MLflow really signed (a clock to fix, not an attack).
 */
export function verifyWebhookSignature(request: SignedRequest, secret: string | undefined, nowMs: number): SignatureCheck {
  if (!secret) return { valid: false, problem: 'no_secret' };
  const { deliveryId, timestamp, signature, rawBody } = request;
  if (!deliveryId || !DELIVERY_ID.test(deliveryId) || !timestamp || !UNIX_SECONDS.test(timestamp) || !signature) {
    return { valid: false, problem: 'missing_headers' };
  }
  const expected = Buffer.from(`v1,${createHmac('sha256', secret).update(`${deliveryId}.${timestamp}.${rawBody}`, 'utf8').digest('base64')}`);
  // Every candidate is compared in full (no early exit), each in constant time.
  const matches = signature
    .split(' ')
    .map((candidate) => Buffer.from(candidate))
    .map((given) => given.length === expected.length && timingSafeEqual(given, expected));
  if (!matches.includes(true)) return { valid: false, problem: 'bad_signature' };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > TIMESTAMP_TOLERANCE_S) return { valid: false, problem: 'stale_timestamp' };
  return { valid: true };
}
