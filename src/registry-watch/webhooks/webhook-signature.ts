import { createHmac } from 'node:crypto';
import { SignatureCheck, UNIX_SECONDS, signatureVerdict } from '../../common/http/signed-request';

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

const DELIVERY_ID = /^[\x21-\x7e]{1,200}$/;

/**
 * Checks an MLflow 3.x webhook delivery: `X-MLflow-Signature` must hold `v1,` + base64(HMAC-SHA256(
 * secret, `${delivery id}.${timestamp}.${raw body}`)) among its space-separated signatures, and the
 * signed timestamp be fresh ({@link signatureVerdict}).
 */
export function verifyWebhookSignature(request: SignedRequest, secret: string | undefined, nowMs: number): SignatureCheck {
  if (!secret) return { valid: false, problem: 'no_secret' };
  const { deliveryId, timestamp, signature, rawBody } = request;
  if (!deliveryId || !DELIVERY_ID.test(deliveryId) || !timestamp || !UNIX_SECONDS.test(timestamp) || !signature) {
    return { valid: false, problem: 'missing_headers' };
  }
  const expected = `v1,${createHmac('sha256', secret).update(`${deliveryId}.${timestamp}.${rawBody}`, 'utf8').digest('base64')}`;
  return signatureVerdict(signature.split(' '), expected, timestamp, nowMs);
}
