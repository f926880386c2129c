import { createHmac, randomUUID } from 'node:crypto';
import { pythonJsonDumps } from './python-json';

/** MLflow 3.x's signature: `v1,` + base64(HMAC-SHA256(secret, `${id}.${timestamp}.${body}`)). */
export function mlflowSignature(secret: string, deliveryId: string, timestamp: string, body: string): string {
  return `v1,${createHmac('sha256', secret).update(`${deliveryId}.${timestamp}.${body}`, 'utf8').digest('base64')}`;
}

/** Python's `datetime.now(timezone.utc).isoformat()`: microseconds, and `+00:00` rather than `Z`. */
export function pythonUtcIso(at: Date, micros = 0): string {
  const fraction = at.getUTCMilliseconds() * 1000 + micros;
  const seconds = at.toISOString().slice(0, 19);
  return fraction === 0 ? `${seconds}+00:00` : `${seconds}.${String(fraction).padStart(6, '0')}+00:00`;
}

export interface SignedDelivery {
  headers: { 'content-type': string; 'x-mlflow-delivery-id': string; 'x-mlflow-timestamp': string; 'x-mlflow-signature'?: string };
  /** The exact text that was signed and is sent. */
  body: string;
}

/**
 * One delivery of `entity.action` with `data`, written and signed as MLflow 3.x does (no signature
 * header without a secret). `at` is when it is sent; `deliveryId` defaults to a fresh UUID.
 */
export function signedDelivery(
  event: string,
  data: Record<string, unknown>,
  secret: string | undefined,
  options: { at?: Date; deliveryId?: string } = {},
): SignedDelivery {
  const at = options.at ?? new Date();
  const [entity, action] = event.split('.');
  const body = pythonJsonDumps({ entity, action, timestamp: pythonUtcIso(at, Math.floor(Math.random() * 1000)), data });
  const deliveryId = options.deliveryId ?? randomUUID();
  const timestamp = String(Math.floor(at.getTime() / 1000));
  return {
    headers: {
      'content-type': 'application/json',
      'x-mlflow-delivery-id': deliveryId,
      'x-mlflow-timestamp': timestamp,
      ...(secret ? { 'x-mlflow-signature': mlflowSignature(secret, deliveryId, timestamp, body) } : {}),
    },
    body,
  };
}
