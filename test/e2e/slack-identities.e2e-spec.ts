import { TestApp, expectError, startTestApp } from '../helpers/test-app';
import { withDatabase } from '../helpers/test-database';

describe('Slack identities: which approver a Slack user decides as', () => {
  let t: TestApp;
  let bob: string;

  const put = (slackUserId: string, body: unknown, key?: string | null) => t.request('PUT', `/slack-identities/${slackUserId}`, { body, key });
  const links = () => withDatabase(t.databaseUrl, async (db) => (await db.query('SELECT slack_user_id, actor FROM slack_identities ORDER BY 1')).rows);
  const auditOf = async (action: string) => (await t.request('GET', '/audit', { query: { action } })).body.items.map((e: any) => ({ actor: e.actor, details: e.details }));

  beforeAll(async () => {
    t = await startTestApp();
    bob = await t.createKey('bob', ['approver']);
    await t.createKey('carol', ['approver', 'promoter']);
    await t.createKey('rita', ['reader', 'promoter']);
    const revoked = await t.request('POST', '/api-keys', { body: { name: 'gone', roles: ['approver'] } });
    await t.request('DELETE', `/api-keys/${revoked.body.id}`);
  });
  afterAll(async () => {
    await t.close();
  });

  it('links a Slack user to an approver, re-links it to another, and audits each change once', async () => {
    const linked = await put('U0BOB', { actor: 'bob' });
    expect(linked.status).toBe(200);
    expect(linked.body).toEqual({ slack_user_id: 'U0BOB', actor: 'bob', linked_by: 'admin', linked_at: expect.any(String) });
    expect((await put('U0BOB', { actor: 'bob' })).status).toBe(200); // the same link again: nothing changes
    expect((await put('U0BOB', { actor: 'carol' })).body).toMatchObject({ slack_user_id: 'U0BOB', actor: 'carol' });
    expect(await links()).toEqual([{ slack_user_id: 'U0BOB', actor: 'carol' }]);
    expect((await auditOf('slack_identity.linked')).reverse()).toEqual([
      { actor: 'admin', details: { slack_user_id: 'U0BOB', approver: 'bob' } },
      { actor: 'admin', details: { slack_user_id: 'U0BOB', approver: 'carol', previous_approver: 'bob' } },
    ]);
  });

  it.each([
    ['no key of that name', 'nobody'],
    ['a revoked key', 'gone'],
    ['a key without the approver role', 'rita'],
  ])('refuses to link %s (422 NOT_AN_APPROVER), storing nothing', async (_, actor) => {
    expectError(await put('U0REFUSED', { actor }), 422, 'NOT_AN_APPROVER');
    expect((await links()).map((l: any) => l.slack_user_id)).not.toContain('U0REFUSED');
  });

  it('validates the Slack user id and the body', async () => {
    expectError(await put('bob', { actor: 'bob' }), 400, 'VALIDATION_FAILED');
    expectError(await put('u0bob', { actor: 'bob' }), 400, 'VALIDATION_FAILED');
    expectError(await put('U0BOB', {}), 400, 'VALIDATION_FAILED');
    expectError(await put('U0BOB', { actor: 'bob', extra: 1 }), 400, 'VALIDATION_FAILED');
  });

  it('is for admins only', async () => {
    expectError(await put('U0BOB', { actor: 'bob' }, bob), 403, 'FORBIDDEN');
    expectError(await t.request('GET', '/slack-identities', { key: bob }), 403, 'FORBIDDEN');
    expectError(await t.request('DELETE', '/slack-identities/U0BOB', { key: null }), 401, 'UNAUTHENTICATED');
  });

  it('unlinks (audited), then answers 404 SLACK_IDENTITY_NOT_FOUND', async () => {
    await put('U0UNLINK', { actor: 'bob' });
    const removed = await t.request('DELETE', '/slack-identities/U0UNLINK');
    expect(removed.body).toMatchObject({ slack_user_id: 'U0UNLINK', actor: 'bob' });
    expectError(await t.request('DELETE', '/slack-identities/U0UNLINK'), 404, 'SLACK_IDENTITY_NOT_FOUND');
    expect(await auditOf('slack_identity.unlinked')).toEqual([{ actor: 'admin', details: { slack_user_id: 'U0UNLINK', approver: 'bob' } }]);
  });

  it('lists the links by Slack user id, paged', async () => {
    for (const id of ['W0PAGE3', 'U0PAGE1', 'U0PAGE2']) await put(id, { actor: 'bob' });
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const page = await t.request('GET', '/slack-identities', { query: { max_results: '2', ...(token ? { page_token: token } : {}) } });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      ids.push(...page.body.items.map((i: any) => i.slack_user_id));
      token = page.body.next_page_token;
    } while (token);
    expect(ids).toEqual((await links()).map((l: any) => l.slack_user_id));
    expect(ids).toEqual(expect.arrayContaining(['U0BOB', 'U0PAGE1', 'U0PAGE2', 'W0PAGE3']));
    expectError(await t.request('GET', '/slack-identities', { query: { page_token: 'bm9wZQ' } }), 400, 'VALIDATION_FAILED');
  });
});
