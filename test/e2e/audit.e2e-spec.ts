import { AuditAction } from '../../src/audit/audit-action';
import { AuditEntry } from '../../src/audit/audit-entry';
import { AuditLog } from '../../src/audit/audit-log.service';
import { Transactions } from '../../src/database/transactions';
import { TestApp, expectError, startTestApp } from '../helpers/test-app';
import { parseCsv } from '../helpers/csv';
import { withDatabase } from '../helpers/test-database';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('audit log API', () => {
  let t: TestApp;
  const append = (entry: AuditEntry) => t.app.get(Transactions).run((tx) => t.app.get(AuditLog).append(entry, tx));
  const seqsOf = (res: { body: { items: { seq: number }[] } }) => res.body.items.map((e) => e.seq);

  beforeAll(async () => {
    t = await startTestApp();
    const promote = (actor: string, model: string, version: string, reason: string): AuditEntry => ({
      actor,
      action: AuditAction.PROMOTION_COMPLETED,
      model,
      version,
      from_stage: 'Staging',
      to_stage: 'Production',
      reason,
      details: { promotion_id: `${model}-${version}` },
    });
    // A few milliseconds apart, so since/until can split them.
    for (const entry of [
      promote('alice', 'recsys', '1', 'first'),
      promote('bob', 'recsys', '2', 'needs, "quoting"\nover two lines'),
      { ...promote('alice', 'churn', '1', 'denied'), action: AuditAction.PROMOTION_DENIED },
      promote('carol', 'churn', '2', 'plain'),
    ]) {
      await append(entry);
      await sleep(3);
    }
  });
  afterAll(() => t.close());

  it('records the admin key made at start as the first event, by system:startup', async () => {
    const res = await t.request('GET', '/audit', { query: { action: 'api_key.created', actor: 'system:startup' } });
    expect(res.body.items).toEqual([
      expect.objectContaining({
        seq: 1,
        action: 'api_key.created',
        details: expect.objectContaining({ name: 'admin', roles: ['admin'], source: 'ADMIN_API_KEY', replaced_previous: false }),
        prev_hash: '0'.repeat(64),
      }),
    ]);
  });

  it('records key creation and revocation with the actor, never the key nor its hash', async () => {
    const creator = await t.createKey('key-admin', ['admin']);
    const created = await t.request('POST', '/api-keys', { key: creator, body: { name: 'audited-ci', roles: ['ci'] } });
    expect(created.status).toBe(201);
    expect((await t.request('DELETE', `/api-keys/${created.body.id}`, { key: creator })).status).toBe(200);
    expect((await t.request('DELETE', `/api-keys/${created.body.id}`)).status).toBe(200);
    expectError(await t.request('POST', '/api-keys', { body: { name: 'audited-ci', roles: ['ci'] } }), 409, 'API_KEY_NAME_TAKEN');

    const res = await t.request('GET', '/audit', { query: { actor: 'key-admin' } });
    expect(res.body.items).toEqual([
      expect.objectContaining({
        actor: 'key-admin',
        action: 'api_key.revoked',
        details: { key_id: created.body.id, name: 'audited-ci', roles: ['ci'] },
      }),
      expect.objectContaining({
        actor: 'key-admin',
        action: 'api_key.created',
        details: { key_id: created.body.id, name: 'audited-ci', roles: ['ci'] },
      }),
    ]);
    // The second revoke and the refused duplicate left nothing behind.
    const all = await t.request('GET', '/audit', { query: { max_results: '1000' } });
    expect(all.body.items.filter((e: { details: { name?: string } }) => e.details.name === 'audited-ci')).toHaveLength(2);
    const hash = await withDatabase(t.databaseUrl, async (db) => {
      return (await db.query("SELECT key_hash FROM api_keys WHERE name = 'audited-ci'")).rows[0].key_hash as string;
    });
    const stored = await withDatabase(t.databaseUrl, async (db) => JSON.stringify((await db.query('SELECT * FROM audit_events')).rows));
    for (const secret of [created.body.key, hash, creator, t.adminKey]) {
      expect(all.text).not.toContain(secret);
      expect(stored).not.toContain(secret);
    }
  });

  it('lists newest first and filters by model, version, action and actor', async () => {
    const all = await t.request('GET', '/audit');
    expect(all.status).toBe(200);
    const seqs = seqsOf(all);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));

    const recsys = await t.request('GET', '/audit', { query: { model: 'recsys' } });
    expect(recsys.body.items.map((e: { version: string }) => e.version)).toEqual(['2', '1']);
    const v2 = await t.request('GET', '/audit', { query: { model: 'churn', version: '2' } });
    expect(v2.body.items).toEqual([
      expect.objectContaining({ actor: 'carol', model: 'churn', version: '2', from_stage: 'Staging', to_stage: 'Production' }),
    ]);
    const denied = await t.request('GET', '/audit', { query: { action: 'promotion.denied' } });
    expect(denied.body.items).toEqual([expect.objectContaining({ model: 'churn', version: '1', reason: 'denied' })]);
    const alice = await t.request('GET', '/audit', { query: { actor: 'alice' } });
    expect(alice.body.items.map((e: { model: string }) => e.model)).toEqual(['churn', 'recsys']);
    const both = await t.request('GET', '/audit', { query: { actor: 'alice', model: 'recsys', action: 'promotion.completed' } });
    expect(both.body.items).toHaveLength(1);
    expect((await t.request('GET', '/audit', { query: { model: 'nope' } })).body).toEqual({ items: [] });
  });

  it('filters by time: since inclusive, until exclusive', async () => {
    const promotions = (await t.request('GET', '/audit', { query: { model: 'recsys' } })).body.items;
    const [second, first] = promotions as { seq: number; at: string }[];
    expect(first.at < second.at).toBe(true);
    const since = await t.request('GET', '/audit', { query: { model: 'recsys', since: second.at } });
    expect(seqsOf(since)).toEqual([second.seq]);
    const until = await t.request('GET', '/audit', { query: { model: 'recsys', until: second.at } });
    expect(seqsOf(until)).toEqual([first.seq]);
    const window = await t.request('GET', '/audit', { query: { since: first.at, until: second.at } });
    expect(seqsOf(window)).toEqual([first.seq]);
    // The same instant as second.at, written with a +02:00 offset.
    const offset = new Date(new Date(second.at).getTime() + 2 * 3600_000).toISOString().replace('Z', '+02:00');
    expect(new Date(offset).getTime()).toBe(new Date(second.at).getTime());
    expect(seqsOf(await t.request('GET', '/audit', { query: { model: 'recsys', since: offset } }))).toEqual([second.seq]);
    expect(seqsOf(await t.request('GET', '/audit', { query: { since: '2999-01-01' } }))).toEqual([]);
  });

  it('refuses malformed filters with 400 VALIDATION_FAILED naming the field', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ since: 'yesterday' }, 'since'],
      [{ since: '2026-11-23T10:00:00' }, 'since'],
      [{ until: '2026-02-30' }, 'until'],
      [{ since: '2026-11-24T00:00:00Z', until: '2026-11-23T00:00:00Z' }, 'until'],
      [{ action: 'promotion.teleported' }, 'action'],
      [{ format: 'xml' }, 'format'],
      [{ max_results: '0' }, 'max_results'],
      [{ page_token: 'garbage' }, 'page_token'],
      [{ colour: 'blue' }, 'colour'],
    ];
    for (const [query, field] of cases) {
      const body = expectError(await t.request('GET', '/audit', { query }), 400, 'VALIDATION_FAILED');
      expect(body.details.map((d: { field: string }) => d.field)).toEqual([field]);
    }
  });

  it('pages by seq with max_results and page_token, without gaps or repeats', async () => {
    const everything = seqsOf(await t.request('GET', '/audit', { query: { max_results: '1000' } }));
    const walked: number[] = [];
    let token: string | undefined;
    do {
      const page = await t.request('GET', '/audit', { query: { max_results: '2', ...(token ? { page_token: token } : {}) } });
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      walked.push(...seqsOf(page));
      token = page.body.next_page_token;
    } while (token);
    expect(walked).toEqual(everything);

    const first = await t.request('GET', '/audit', { query: { model: 'churn', max_results: '1' } });
    const next = { model: 'churn', max_results: '1', page_token: first.body.next_page_token };
    const second = await t.request('GET', '/audit', { query: next });
    expect([first.body.items[0].version, second.body.items[0].version]).toEqual(['2', '1']);
    expect(second.body.next_page_token).toBeUndefined();
  });

  it('exports CSV: header, RFC 4180 quoting, filters, oldest first, every row', async () => {
    const res = await t.request('GET', '/audit', { query: { format: 'csv', model: 'recsys' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="audit-events.csv"');
    expect(res.text.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parseCsv(res.text);
    expect(header.join()).toBe('seq,at,actor,action,model,version,from_stage,to_stage,reason,details,prev_hash,hash');
    expect(rows.map((r) => [r[2], r[5], r[8], r[9]])).toEqual([
      ['alice', '1', 'first', '{"promotion_id":"recsys-1"}'],
      ['bob', '2', 'needs, "quoting"\nover two lines', '{"promotion_id":"recsys-2"}'],
    ]);
    expect(res.text).toContain('"needs, ""quoting""\nover two lines"');

    const json = await t.request('GET', '/audit', { query: { max_results: '1000' } });
    const all = parseCsv((await t.request('GET', '/audit', { query: { format: 'csv' } })).text).slice(1);
    expect(all.map((r) => Number(r[0]))).toEqual(seqsOf(json).reverse());
    expect(all.map((r) => r[11])).toEqual(json.body.items.map((e: { hash: string }) => e.hash).reverse());
    const empty = await t.request('GET', '/audit', { query: { format: 'csv', actor: 'nobody' } });
    expect(empty.text).toBe('seq,at,actor,action,model,version,from_stage,to_stage,reason,details,prev_hash,hash\r\n');
  });

  it('refuses paging parameters with format=csv, which always exports every matching row', async () => {
    expectError(await t.request('GET', '/audit', { query: { format: 'csv', max_results: '10' } }), 400, 'VALIDATION_FAILED');
  });

  it('verifies the chain it wrote', async () => {
    const count = (await t.request('GET', '/audit', { query: { max_results: '1000' } })).body.items.length;
    expect((await t.request('GET', '/audit/verify')).body).toEqual({ valid: true, checked: count });
  });

  it('lets readers read and verify; other roles get 403, anonymous callers 401', async () => {
    const reader = await t.createKey('audit-reader', ['reader']);
    expect((await t.request('GET', '/audit', { key: reader })).status).toBe(200);
    expect((await t.request('GET', '/audit/verify', { key: reader })).status).toBe(200);
    expect((await t.request('GET', '/audit', { key: reader, query: { format: 'csv' } })).status).toBe(200);
    const ci = await t.createKey('audit-ci', ['ci']);
    expectError(await t.request('GET', '/audit', { key: ci }), 403, 'FORBIDDEN');
    expectError(await t.request('GET', '/audit/verify', { key: ci }), 403, 'FORBIDDEN');
    expectError(await t.request('GET', '/audit', { key: null }), 401, 'UNAUTHENTICATED');
  });
});

describe('audit of the ADMIN_API_KEY across restarts', () => {
  it('records a new admin key only when the variable changes', async () => {
    const first = await startTestApp();
    await first.close();
    const same = await startTestApp({ databaseUrl: first.databaseUrl, env: { ADMIN_API_KEY: first.adminKey } });
    await same.close();
    const rotated = await startTestApp({ databaseUrl: first.databaseUrl });
    try {
      const res = await rotated.request('GET', '/audit', { query: { actor: 'system:startup' } });
      const events: { seq: number; details: { replaced_previous: boolean } }[] = res.body.items;
      expect(events.map((e) => [e.seq, e.details.replaced_previous])).toEqual([
        [2, true],
        [1, false],
      ]);
    } finally {
      await rotated.close();
    }
  });
});
