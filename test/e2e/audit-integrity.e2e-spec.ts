import { AuditAction } from '../../src/audit/audit-action';
import { AuditEntry } from '../../src/audit/audit-entry';
import { AuditLog } from '../../src/audit/audit-log.service';
import { hashEvent } from '../../src/audit/hash-chain';
import { Transactions } from '../../src/database/transactions';
import { TestApp, expectError, startTestApp } from '../helpers/test-app';
import { createTestDatabase, withDatabase } from '../helpers/test-database';

const entry = (n: number, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  actor: 'alice',
  action: AuditAction.PROMOTION_COMPLETED,
  model: 'recsys',
  version: String(n),
  from_stage: 'Staging',
  to_stage: 'Production',
  reason: `release ${n}`,
  details: { n },
  ...extra,
});

describe('audit chain integrity', () => {
  let t: TestApp;
  const sql = <R = any>(text: string, params: unknown[] = []) =>
    withDatabase(t.databaseUrl, async (db) => (await db.query(text, params)).rows as R[]);
  const append = (e: AuditEntry) => t.app.get(Transactions).run((tx) => t.app.get(AuditLog).append(e, tx));
  const verify = async () => (await t.request('GET', '/audit/verify')).body;
  const eventCount = async () => Number((await sql<{ count: string }>('SELECT count(*) FROM audit_events'))[0].count);
  /** Runs `statements` with the append-only trigger off, as someone with SQL access could. */
  const tamper = (...statements: string[]) =>
    withDatabase(t.databaseUrl, async (db) => {
      await db.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
      try {
        for (const s of statements) await db.query(s);
      } finally {
        await db.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
      }
    });

  beforeAll(async () => {
    // A session time zone with a 45-minute offset: `at` must still come back as the hashed text.
    const databaseUrl = await createTestDatabase();
    const name = new URL(databaseUrl).pathname.slice(1);
    await withDatabase(databaseUrl, (db) => db.query(`ALTER DATABASE "${name}" SET timezone TO 'Asia/Kathmandu'`));
    t = await startTestApp({ databaseUrl, listen: true });
    for (let n = 1; n <= 5; n++) await append(entry(n));
  });
  afterAll(() => t.close());

  it('refuses UPDATE, DELETE and TRUNCATE with a clear error, even when no row matches', async () => {
    for (const statement of [
      "UPDATE audit_events SET reason = 'forged' WHERE seq = 2",
      'DELETE FROM audit_events WHERE seq = 2',
      'DELETE FROM audit_events WHERE false',
      'TRUNCATE audit_events',
    ]) {
      const op = statement.split(' ')[0];
      await expect(sql(statement)).rejects.toThrow(`audit_events is append-only: ${op} is not allowed`);
      await expect(sql(statement)).rejects.toMatchObject({ code: '42501' });
    }
    expect(await sql('SELECT reason FROM audit_events WHERE seq = 2')).toEqual([{ reason: 'release 1' }]);
    expect(await verify()).toEqual({ valid: true, checked: await eventCount() });
  });

  it('refuses an at finer than the milliseconds that are hashed', async () => {
    await expect(
      sql(`INSERT INTO audit_events (seq, at, actor, action, prev_hash, hash)
           VALUES (1000000, '2026-11-23T10:00:00.123456Z', 'x', 'rollback', repeat('1', 64), repeat('2', 64))`),
    ).rejects.toThrow(/audit_events_at_milliseconds/);
  });

  it('names a row altered with the trigger disabled, and is whole again once it is restored', async () => {
    await tamper("UPDATE audit_events SET reason = 'forged' WHERE seq = 4");
    expect(await verify()).toEqual({
      valid: false,
      checked: 4,
      first_broken_seq: 4,
      problem: 'it does not re-hash to its stored hash: its content was altered',
    });
    await tamper("UPDATE audit_events SET reason = 'release 3' WHERE seq = 4");
    expect(await verify()).toEqual({ valid: true, checked: await eventCount() });

    await tamper(
      `UPDATE audit_events SET details = '{"n": 30}' WHERE seq = 4`,
      `UPDATE audit_events SET at = at + interval '1 second' WHERE seq = 5`,
    );
    expect(await verify()).toEqual(expect.objectContaining({ valid: false, first_broken_seq: 4 }));
    await tamper(`UPDATE audit_events SET details = '{"n": 3}' WHERE seq = 4`);
    expect(await verify()).toEqual(expect.objectContaining({ valid: false, first_broken_seq: 5 }));
    await tamper(`UPDATE audit_events SET at = at - interval '1 second' WHERE seq = 5`);
    expect(await verify()).toEqual({ valid: true, checked: await eventCount() });
  });

  it('names the row after one that was altered and re-hashed, or deleted', async () => {
    const [row] = await sql('SELECT * FROM audit_events WHERE seq = 3');
    const forged = { ...row, seq: 3, at: row.at.toISOString(), reason: 'forged' };
    await tamper(`UPDATE audit_events SET reason = 'forged', hash = '${hashEvent(row.prev_hash, forged)}' WHERE seq = 3`);
    expect(await verify()).toEqual({ valid: false, checked: 4, first_broken_seq: 4, problem: 'its prev_hash is not the hash of seq 3' });
    await tamper(`UPDATE audit_events SET reason = '${row.reason}', hash = '${row.hash}' WHERE seq = 3`);

    await tamper('DELETE FROM audit_events WHERE seq = 3');
    expect(await verify()).toEqual(expect.objectContaining({ valid: false, checked: 3, first_broken_seq: 4 }));
    await withDatabase(t.databaseUrl, (db) =>
      db.query(
        `INSERT INTO audit_events (seq, at, actor, action, model, version, from_stage, to_stage, reason, details, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        ['seq', 'at', 'actor', 'action', 'model', 'version', 'from_stage', 'to_stage', 'reason', 'details', 'prev_hash', 'hash'].map((c) => row[c]),
      ),
    );
    expect(await verify()).toEqual({ valid: true, checked: await eventCount() });
  });

  it('stores what it hashed, whatever the text, numbers and key order of an event', async () => {
    const numbers = [1e21, 0.1, 5e-324, 1.7976931348623157e308, 123456789.123, -42];
    const event = await append(
      entry(99, {
        actor: 'zoë',
        reason: 'émoji 😀, quote ", backslash \\, NUL \u0000, lone \ud800, newline\r\n',
        details: { z: [...numbers, -0], a: { ü: null, '\u20ac': true, '1': 'x' }, when: new Date(0), gone: undefined },
      }),
    );
    expect(event.reason).toBe('émoji 😀, quote ", backslash \\, NUL \uFFFD, lone \uFFFD, newline\r\n');
    expect(event.details).toEqual({ z: [...numbers, 0], a: { ü: null, '\u20ac': true, '1': 'x' }, when: '1970-01-01T00:00:00.000Z' });
    const listed = (await t.request('GET', '/audit', { query: { max_results: '1' } })).body.items[0];
    expect(listed).toEqual(event);
    expect(event.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await verify()).toEqual({ valid: true, checked: event.seq });
  });

  it('writes nothing when the caller’s transaction rolls back, and the chain goes on from where it was', async () => {
    const before = (await sql<{ max: string }>('SELECT max(seq) FROM audit_events'))[0].max;
    await expect(
      t.app.get(Transactions).run(async (tx) => {
        await t.app.get(AuditLog).append(entry(7), tx);
        throw new Error('the use case failed after auditing');
      }),
    ).rejects.toThrow('the use case failed');
    const next = await append(entry(8));
    expect(next.seq).toBe(Number(before) + 1);
    expect(await verify()).toEqual({ valid: true, checked: next.seq });
  });

  it('creates or revokes no key when its audit event cannot be written', async () => {
    const blocked = await t.createKey('blocked-admin', ['admin']);
    const victim = (await t.request('POST', '/api-keys', { body: { name: 'victim', roles: ['reader'] } })).body.id as string;
    const events = async () => Number((await sql('SELECT count(*) FROM audit_events'))[0].count);
    const before = await events();
    await sql("ALTER TABLE audit_events ADD CONSTRAINT test_blocked CHECK (actor <> 'blocked-admin') NOT VALID");
    try {
      expectError(await t.request('POST', '/api-keys', { key: blocked, body: { name: 'never-made', roles: ['ci'] } }), 500, 'INTERNAL');
      expectError(await t.request('DELETE', `/api-keys/${victim}`, { key: blocked }), 500, 'INTERNAL');
    } finally {
      await sql('ALTER TABLE audit_events DROP CONSTRAINT test_blocked');
    }
    expect(await sql("SELECT name FROM api_keys WHERE name = 'never-made'")).toEqual([]);
    expect(await sql('SELECT revoked_at FROM api_keys WHERE id = $1', [victim])).toEqual([{ revoked_at: null }]);
    expect(await events()).toBe(before);
  });

  it('keeps one unforked chain under 30 concurrent key creations', async () => {
    const before = Number((await sql('SELECT max(seq) FROM audit_events'))[0].max);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => t.request('POST', '/api-keys', { body: { name: `parallel-${i}`, roles: ['reader'] } })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(30).fill(201));
    const rows = await sql<{ seq: string; details: { name: string } }>(
      'SELECT seq, details FROM audit_events WHERE seq > $1 ORDER BY seq',
      [before],
    );
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 30 }, (_, i) => before + 1 + i));
    expect(rows.map((r) => r.details.name).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `parallel-${i}`).sort());
    expect(await verify()).toEqual({ valid: true, checked: before + 30 });
  });

  it('streams a CSV export and verifies a chain longer than one batch', async () => {
    await t.app.get(Transactions).run(async (tx) => {
      for (let n = 0; n < 1234; n++) await t.app.get(AuditLog).append(entry(n, { model: 'bulk', details: { n } }), tx);
    });
    const total = Number((await sql('SELECT count(*) FROM audit_events'))[0].count);
    expect(await verify()).toEqual({ valid: true, checked: total });

    const res = await fetch(`${t.baseUrl}/audit?format=csv&model=bulk`, { headers: { authorization: `Bearer ${t.adminKey}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(res.headers.get('content-length')).toBeNull();
    const lines = (await res.text()).split('\r\n');
    expect(lines).toHaveLength(1 + 1234 + 1);
    const detailsOf = (line: string) => JSON.parse(line.split(',')[9].replace(/^"|"$/g, '').replace(/""/g, '"')) as { n: number };
    expect(lines.slice(1, -1).map((l) => detailsOf(l).n)).toEqual(Array.from({ length: 1234 }, (_, n) => n));
  });
});
