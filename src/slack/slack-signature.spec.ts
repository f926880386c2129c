import { createHmac } from 'node:crypto';
import { SIGNED_TIMESTAMP_TOLERANCE_S } from '../common/http/signed-request';
import { SlackSignedRequest, verifySlackSignature } from './slack-signature';

/** The worked example of Slack's "Verifying requests from Slack" page: secret, timestamp, body and the signature Slack sent. */
const SLACK_EXAMPLE = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};
const request: SlackSignedRequest = { timestamp: SLACK_EXAMPLE.timestamp, signature: SLACK_EXAMPLE.signature, rawBody: SLACK_EXAMPLE.body };
/** The instant Slack signed the example, plus `s` seconds: the clock is injected, never read. */
const clockAt = (s = 0) => (Number(SLACK_EXAMPLE.timestamp) + s) * 1000;
const SECRET = SLACK_EXAMPLE.secret;

describe('verifySlackSignature', () => {
  it("accepts Slack's documented example at the instant it was signed", () => {
    expect(verifySlackSignature(request, SECRET, clockAt())).toEqual({ valid: true });
  });

  it('refuses it under another secret, or with any byte of the body changed', () => {
    expect(verifySlackSignature(request, `${SECRET}x`, clockAt())).toEqual({ valid: false, problem: 'bad_signature' });
    expect(verifySlackSignature({ ...request, rawBody: request.rawBody.replace('roadrunner', 'roadrunnes') }, SECRET, clockAt())).toEqual({ valid: false, problem: 'bad_signature' });
    expect(verifySlackSignature({ ...request, rawBody: `${request.rawBody}&` }, SECRET, clockAt())).toEqual({ valid: false, problem: 'bad_signature' });
  });

  it('refuses the form as a parser would hand it over (decoded): the raw bytes are what Slack signed', () => {
    const decoded = [...new URLSearchParams(request.rawBody)].map(([k, v]) => `${k}=${v}`).join('&');
    expect(decoded).not.toBe(request.rawBody);
    expect(verifySlackSignature({ ...request, rawBody: decoded }, SECRET, clockAt())).toEqual({ valid: false, problem: 'bad_signature' });
  });

  it('binds the timestamp into the signature: the same signature under another timestamp is refused', () => {
    expect(verifySlackSignature({ ...request, timestamp: String(Number(SLACK_EXAMPLE.timestamp) + 1) }, SECRET, clockAt())).toEqual({ valid: false, problem: 'bad_signature' });
  });

  it(`accepts a timestamp up to ${SIGNED_TIMESTAMP_TOLERANCE_S} s off either way, and refuses one a second further`, () => {
    for (const s of [-SIGNED_TIMESTAMP_TOLERANCE_S, SIGNED_TIMESTAMP_TOLERANCE_S]) expect(verifySlackSignature(request, SECRET, clockAt(s))).toEqual({ valid: true });
    for (const s of [-SIGNED_TIMESTAMP_TOLERANCE_S - 1, SIGNED_TIMESTAMP_TOLERANCE_S + 1, 24 * 3600]) {
      expect(verifySlackSignature(request, SECRET, clockAt(s))).toEqual({ valid: false, problem: 'stale_timestamp' });
    }
  });

  it('says "bad signature", not "stale", for an old request that is also forged', () => {
    expect(verifySlackSignature({ ...request, rawBody: `${request.rawBody} ` }, SECRET, clockAt(3600))).toEqual({ valid: false, problem: 'bad_signature' });
  });

  it('refuses everything when no secret is configured, even a correctly signed request', () => {
    for (const secret of [undefined, '']) expect(verifySlackSignature(request, secret, clockAt())).toEqual({ valid: false, problem: 'no_secret' });
  });

  it.each([
    ['no timestamp', { timestamp: undefined }],
    ['an empty timestamp', { timestamp: '' }],
    ['a timestamp that is not whole seconds', { timestamp: '1531420618.5' }],
    ['a negative timestamp', { timestamp: '-1531420618' }],
    ['no signature', { signature: undefined }],
    ['an empty signature', { signature: '' }],
  ])('refuses %s as missing headers', (_, change) => {
    expect(verifySlackSignature({ ...request, ...change }, SECRET, clockAt())).toEqual({ valid: false, problem: 'missing_headers' });
  });

  it.each([
    ['without the v0= prefix', (s: string) => s.slice(3)],
    ['under another version', (s: string) => `v1=${s.slice(3)}`],
    ['truncated', (s: string) => s.slice(0, -2)],
    ['with characters appended', (s: string) => `${s}00`],
    ['in upper case', (s: string) => `v0=${s.slice(3).toUpperCase()}`],
    ['as base64 instead of hex', (s: string) => `v0=${Buffer.from(s.slice(3), 'hex').toString('base64')}`],
  ])('refuses the right signature %s', (_, mangle) => {
    expect(verifySlackSignature({ ...request, signature: mangle(SLACK_EXAMPLE.signature) }, SECRET, clockAt())).toEqual({ valid: false, problem: 'bad_signature' });
  });

  it('signs UTF-8 bytes: a body with non-ASCII text verifies when signed over its UTF-8 encoding', () => {
    const body = `payload=${encodeURIComponent('{"user":{"name":"zoë"}}')}&note=café ✓`;
    const signature = `v0=${createHmac('sha256', 'sécret').update(Buffer.from(`v0:1800000000:${body}`, 'utf8')).digest('hex')}`;
    expect(verifySlackSignature({ timestamp: '1800000000', signature, rawBody: body }, 'sécret', 1800000000_000)).toEqual({ valid: true });
  });
});
