import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SIGNED_TIMESTAMP_TOLERANCE_S } from '../../common/http/signed-request';
import { SignedRequest, verifyWebhookSignature } from './webhook-signature';

interface CapturedDelivery {
  headers: Record<string, string>;
  body: string;
  parsed: unknown;
}
const captured = JSON.parse(readFileSync(join(__dirname, '../../../test/fixtures/mlflow3/webhook-deliveries.json'), 'utf8')) as {
  secret: string;
  deliveries: CapturedDelivery[];
};
const SECRET = captured.secret;

const requestOf = (d: CapturedDelivery): SignedRequest => ({
  deliveryId: d.headers['x-mlflow-delivery-id'],
  timestamp: d.headers['x-mlflow-timestamp'],
  signature: d.headers['x-mlflow-signature'],
  rawBody: d.body,
});
/** The instant MLflow signed it, plus `s` seconds. */
const clockAt = (d: CapturedDelivery, s = 0) => (Number(d.headers['x-mlflow-timestamp']) + s) * 1000;
const sign = (secret: string, id: string, ts: string, body: string) => `v1,${createHmac('sha256', secret).update(`${id}.${ts}.${body}`).digest('base64')}`;

describe('verifyWebhookSignature', () => {
  it('has all 7 captured deliveries to check', () => {
    expect(captured.deliveries).toHaveLength(7);
  });

  it.each(captured.deliveries.map((d, i) => [i + 1, d] as const))('accepts captured delivery %i at the instant it was signed', (_, d) => {
    expect(verifyWebhookSignature(requestOf(d), SECRET, clockAt(d))).toEqual({ valid: true });
  });

  it.each(captured.deliveries.map((d, i) => [i + 1, d] as const))('refuses captured delivery %i under another secret, or with any byte of the body changed', (_, d) => {
    expect(verifyWebhookSignature(requestOf(d), 's3cr3T', clockAt(d))).toEqual({ valid: false, problem: 'bad_signature' });
    const flipped = d.body.replace('"name": "', '"name": "x');
    expect(verifyWebhookSignature({ ...requestOf(d), rawBody: flipped }, SECRET, clockAt(d))).toEqual({ valid: false, problem: 'bad_signature' });
  });

  it('refuses the body re-serialised by JSON.stringify: the raw bytes are what MLflow signed', () => {
    const d = captured.deliveries[1];
    expect(JSON.stringify(d.parsed)).not.toBe(d.body);
    expect(verifyWebhookSignature({ ...requestOf(d), rawBody: JSON.stringify(d.parsed) }, SECRET, clockAt(d))).toEqual({ valid: false, problem: 'bad_signature' });
  });

  it('binds the delivery id and the timestamp into the signature', () => {
    const [a, b] = captured.deliveries.slice(2, 4);
    expect(verifyWebhookSignature({ ...requestOf(a), deliveryId: b.headers['x-mlflow-delivery-id'] }, SECRET, clockAt(a))).toMatchObject({ problem: 'bad_signature' });
    expect(verifyWebhookSignature({ ...requestOf(a), timestamp: String(Number(a.headers['x-mlflow-timestamp']) + 1) }, SECRET, clockAt(a))).toMatchObject({ problem: 'bad_signature' });
    expect(verifyWebhookSignature({ ...requestOf(a), signature: b.headers['x-mlflow-signature'] }, SECRET, clockAt(a))).toMatchObject({ problem: 'bad_signature' });
  });

  it(`accepts a timestamp up to ${SIGNED_TIMESTAMP_TOLERANCE_S} s off either way, and refuses one a second further`, () => {
    const d = captured.deliveries[0];
    for (const s of [-SIGNED_TIMESTAMP_TOLERANCE_S, SIGNED_TIMESTAMP_TOLERANCE_S]) expect(verifyWebhookSignature(requestOf(d), SECRET, clockAt(d, s))).toEqual({ valid: true });
    for (const s of [-SIGNED_TIMESTAMP_TOLERANCE_S - 1, SIGNED_TIMESTAMP_TOLERANCE_S + 1, 6 * 3600]) {
      expect(verifyWebhookSignature(requestOf(d), SECRET, clockAt(d, s))).toEqual({ valid: false, problem: 'stale_timestamp' });
    }
  });

  it('says "bad signature", not "stale", for a stale delivery that is also forged', () => {
    const d = captured.deliveries[0];
    expect(verifyWebhookSignature({ ...requestOf(d), rawBody: `${d.body} ` }, SECRET, clockAt(d, 3600))).toEqual({ valid: false, problem: 'bad_signature' });
  });

  it('refuses everything when no secret is configured, even a correctly signed delivery', () => {
    const d = captured.deliveries[0];
    for (const secret of [undefined, '']) expect(verifyWebhookSignature(requestOf(d), secret, clockAt(d))).toEqual({ valid: false, problem: 'no_secret' });
  });

  it.each([
    ['no delivery id', { deliveryId: undefined }],
    ['an empty delivery id', { deliveryId: '' }],
    ['a delivery id with a space', { deliveryId: 'a b' }],
    ['a 201-character delivery id', { deliveryId: 'a'.repeat(201) }],
    ['no timestamp', { timestamp: undefined }],
    ['a timestamp that is not whole seconds', { timestamp: '1796517366.5' }],
    ['a negative timestamp', { timestamp: '-1796517366' }],
    ['no signature', { signature: undefined }],
    ['an empty signature', { signature: '' }],
  ])('refuses %s as missing headers', (_, change) => {
    const d = captured.deliveries[0];
    expect(verifyWebhookSignature({ ...requestOf(d), ...change }, SECRET, clockAt(d))).toEqual({ valid: false, problem: 'missing_headers' });
  });

  it.each([
    ['without the v1, prefix', (s: string) => s.slice(3)],
    ['under another version prefix', (s: string) => `v2,${s.slice(3)}`],
    ['truncated', (s: string) => s.slice(0, -2)],
    ['with characters appended', (s: string) => `${s}AA`],
    ['as hex instead of base64', (s: string) => `v1,${Buffer.from(s.slice(3), 'base64').toString('hex')}`],
    ['in lower case', (s: string) => s.toLowerCase()],
  ])('refuses the right signature %s', (_, mangle) => {
    const d = captured.deliveries[0];
    expect(verifyWebhookSignature({ ...requestOf(d), signature: mangle(d.headers['x-mlflow-signature']) }, SECRET, clockAt(d))).toEqual({ valid: false, problem: 'bad_signature' });
  });

  it('accepts a list of signatures when one of them is right (a secret being rotated)', () => {
    const d = captured.deliveries[4];
    const other = sign('old-secret', d.headers['x-mlflow-delivery-id'], d.headers['x-mlflow-timestamp'], d.body);
    expect(verifyWebhookSignature({ ...requestOf(d), signature: `${other} ${d.headers['x-mlflow-signature']}` }, SECRET, clockAt(d))).toEqual({ valid: true });
    expect(verifyWebhookSignature({ ...requestOf(d), signature: `${other} ${other}` }, SECRET, clockAt(d))).toMatchObject({ problem: 'bad_signature' });
  });

  it('signs UTF-8 bytes: a body with non-ASCII text verifies when signed as MLflow (Python) would', () => {
    const body = '{"entity": "model_version_tag", "action": "set", "data": {"value": "caf\u00e9 \u2713"}}';
    const signature = sign('sécret', 'id-1', '1800000000', body);
    expect(verifyWebhookSignature({ deliveryId: 'id-1', timestamp: '1800000000', signature, rawBody: body }, 'sécret', 1800000000_000)).toEqual({ valid: true });
  });
});
