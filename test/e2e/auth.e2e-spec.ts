import { withDatabase } from '../helpers/test-database';
import { TestApp, expectError, startTestApp } from '../helpers/test-app';

describe('API keys and roles', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('refuses a call without a key with 401 UNAUTHENTICATED', async () => {
    expectError(await t.request('GET', '/api-keys', { key: null }), 401, 'UNAUTHENTICATED');
  });

  it('refuses an unknown key with 401', async () => {
    expectError(await t.request('GET', '/api-keys', { key: 'mg_not_a_key' }), 401, 'UNAUTHENTICATED');
  });

  it('accepts the key as X-API-Key as well as Bearer', async () => {
    const res = await t.request('GET', '/api-keys', { key: null, headers: { 'x-api-key': t.adminKey } });
    expect(res.status).toBe(200);
  });

  it('issues a key once, stores only its sha256, and never lists it', async () => {
    const created = await t.request('POST', '/api-keys', { body: { name: 'ci-github', roles: ['ci'] } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual(
      expect.objectContaining({ id: expect.any(String), name: 'ci-github', roles: ['ci'], key: expect.stringMatching(/^mg_/) }),
    );
    const key: string = created.body.key;

    const list = await t.request('GET', '/api-keys');
    const listed = list.body.items.find((k: { name: string }) => k.name === 'ci-github');
    expect(listed).toEqual(expect.objectContaining({ name: 'ci-github', created_by: 'admin', revoked_at: null }));
    expect(list.text).not.toContain(key);
    expect(Object.keys(listed)).not.toContain('key');

    const rows = await withDatabase(t.databaseUrl, (db) => db.query('SELECT key_hash FROM api_keys WHERE name = $1', ['ci-github']));
    expect(rows.rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows.rows)).not.toContain(key);
    expect(list.text).not.toContain(rows.rows[0].key_hash);
  });

  it('refuses a second key with the same name (409 API_KEY_NAME_TAKEN)', async () => {
    await t.createKey('dup-name', ['reader']);
    expectError(await t.request('POST', '/api-keys', { body: { name: 'dup-name', roles: ['ci'] } }), 409, 'API_KEY_NAME_TAKEN');
  });

  it('validates names and roles, listing each bad field', async () => {
    const res = await t.request('POST', '/api-keys', { body: { name: ' bad name', roles: ['root'], extra: true } });
    const body = expectError(res, 400, 'VALIDATION_FAILED');
    expect(body.details.map((d: { field: string }) => d.field).sort()).toEqual(['extra', 'name', 'roles']);
  });

  it('answers 403 FORBIDDEN for a key without the route role, for every non-admin role', async () => {
    for (const role of ['reader', 'promoter', 'approver', 'ci', 'events']) {
      const key = await t.createKey(`role-${role}`, [role]);
      const res = await t.request('GET', '/api-keys', { key });
      expect(expectError(res, 403, 'FORBIDDEN').details).toEqual({ required_roles: ['admin'] });
    }
    const admin = await t.createKey('second-admin', ['admin']);
    expect((await t.request('GET', '/api-keys', { key: admin })).status).toBe(200);
  });

  it('answers GET /me with the calling key\'s name and roles, for every role', async () => {
    for (const role of ['reader', 'promoter', 'approver', 'ci', 'events']) {
      const key = await t.createKey(`me-${role}`, [role]);
      const res = await t.request('GET', '/me', { key });
      expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { name: `me-${role}`, roles: [role] } });
    }
    expectError(await t.request('GET', '/me', { key: null }), 401, 'UNAUTHENTICATED');
  });

  it('lets promoters and approvers read, while ci and events keys still may not', async () => {
    for (const role of ['promoter', 'approver']) {
      const key = await t.createKey(`reads-${role}`, [role]);
      expect((await t.request('GET', '/audit', { key })).status).toBe(200);
      expect((await t.request('GET', '/promotions', { key })).status).toBe(200);
    }
    for (const role of ['ci', 'events']) {
      const key = await t.createKey(`no-read-${role}`, [role]);
      expect(expectError(await t.request('GET', '/audit', { key }), 403, 'FORBIDDEN').details).toEqual({ required_roles: ['reader'] });
    }
  });

  it('stops accepting a revoked key at once', async () => {
    const key = await t.createKey('soon-revoked', ['admin']);
    expect((await t.request('GET', '/api-keys', { key })).status).toBe(200);
    const id = (await t.request('GET', '/api-keys')).body.items.find((k: { name: string }) => k.name === 'soon-revoked').id;
    const revoked = await t.request('DELETE', `/api-keys/${id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked_at).toEqual(expect.any(String));
    expectError(await t.request('GET', '/api-keys', { key }), 401, 'UNAUTHENTICATED');
  });

  it('answers 404 for revoking an unknown key and 400 for a malformed id', async () => {
    expectError(await t.request('DELETE', '/api-keys/00000000-0000-4000-8000-000000000000'), 404, 'API_KEY_NOT_FOUND');
    expectError(await t.request('DELETE', '/api-keys/not-a-uuid'), 400, 'VALIDATION_FAILED');
  });

  it('pages the key list with max_results and page_token', async () => {
    const first = await t.request('GET', '/api-keys', { query: { max_results: '2' } });
    expect(first.body.items).toHaveLength(2);
    const second = await t.request('GET', '/api-keys', { query: { max_results: '2', page_token: first.body.next_page_token } });
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
    expectError(await t.request('GET', '/api-keys', { query: { page_token: 'garbage' } }), 400, 'VALIDATION_FAILED');
  });
});

describe('revocation across replicas', () => {
  it('stops a revoked key on another replica at once, though replicas answer known keys from memory', async () => {
    const a = await startTestApp();
    const b = await startTestApp({ databaseUrl: a.databaseUrl, env: { ADMIN_API_KEY: a.adminKey } });
    try {
      const key = await a.createKey('shared-reader', ['reader']);
      const id = (await a.request('GET', '/api-keys')).body.items.find((k: { name: string }) => k.name === 'shared-reader').id;
      await new Promise((r) => setTimeout(r, 200)); // both replicas' change feeds are connected
      expect((await b.request('GET', '/deploy-decisions', { key })).status).toBe(200);
      expect((await a.request('DELETE', `/api-keys/${id}`)).status).toBe(200);
      const started = Date.now();
      let status = 200;
      while (status === 200 && Date.now() - started < 2000) status = (await b.request('GET', '/deploy-decisions', { key })).status;
      expect(status).toBe(401);
      expect(Date.now() - started).toBeLessThan(500);
    } finally {
      await b.close();
      await a.close();
    }
  });
});

describe('ADMIN_API_KEY', () => {
  it('rotates the admin key when the variable changes', async () => {
    const first = await startTestApp();
    const databaseUrl = first.databaseUrl;
    const oldKey = first.adminKey;
    await first.close();
    const second = await startTestApp({ databaseUrl });
    try {
      expect((await second.request('GET', '/api-keys')).status).toBe(200);
      expectError(await second.request('GET', '/api-keys', { key: oldKey }), 401, 'UNAUTHENTICATED');
    } finally {
      await second.close();
    }
  });
});
