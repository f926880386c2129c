import { TestApp, expectError, startTestApp } from '../helpers/test-app';

describe('error shape and request ids', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers an unknown route with 404 NOT_FOUND', async () => {
    expectError(await t.request('GET', '/no/such/route'), 404, 'NOT_FOUND');
  });

  it('answers a known path with the wrong method with 404', async () => {
    expectError(await t.request('PATCH', '/api-keys'), 404, 'NOT_FOUND');
  });

  it('answers malformed JSON with 400 INVALID_JSON', async () => {
    const res = await t.request('POST', '/api-keys', { raw: { payload: '{"name": ', contentType: 'application/json' } });
    expectError(res, 400, 'INVALID_JSON');
  });

  it('refuses JSON prototype poisoning as invalid', async () => {
    const res = await t.request('POST', '/api-keys', {
      raw: { payload: '{"name":"x","roles":["ci"],"__proto__":{"admin":true}}', contentType: 'application/json' },
    });
    expectError(res, 400, 'INVALID_JSON');
  });

  it('answers a body over 1 MiB with 413 PAYLOAD_TOO_LARGE', async () => {
    const payload = JSON.stringify({ name: 'x', roles: ['ci'], pad: 'a'.repeat(1024 * 1024) });
    expectError(await t.request('POST', '/api-keys', { raw: { payload, contentType: 'application/json' } }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers an unsupported content type with 415', async () => {
    const res = await t.request('POST', '/api-keys', { raw: { payload: 'name=x', contentType: 'text/plain' } });
    expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('echoes a sane x-request-id in the header and the body', async () => {
    const res = await t.request('GET', '/nope', { headers: { 'x-request-id': 'ci-run-42.step-3' } });
    expect(res.headers['x-request-id']).toBe('ci-run-42.step-3');
    expect(res.body.request_id).toBe('ci-run-42.step-3');
  });

  it('replaces an insane x-request-id with a fresh one', async () => {
    const res = await t.request('GET', '/nope', { headers: { 'x-request-id': 'bad id\u0001<script>' } });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.request_id).toBe(res.headers['x-request-id']);
  });

  it('sets a request id on successful answers too, and security headers', async () => {
    const res = await t.request('GET', '/health/live', { key: null });
    expect(res.headers['x-request-id']).toEqual(expect.any(String));
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves OpenAPI at /docs-json (listing the routes) and the UI at /docs', async () => {
    const json = await t.request('GET', '/docs-json', { key: null });
    expect(json.status).toBe(200);
    expect(Object.keys(json.body.paths)).toEqual(expect.arrayContaining(['/api-keys', '/api-keys/{id}', '/health/ready']));
    const ui = await t.request('GET', '/docs', { key: null });
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });
});
