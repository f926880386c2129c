import { EventBridgeFake } from '../fakes/aws/event-bridge-fake';
import { FakeMlflow } from '../fakes/mlflow';
import { promote, projectYaml, putProject } from '../helpers/promotions';
import { TestApp, startTestApp } from '../helpers/test-app';
import { withDatabase } from '../helpers/test-database';

const BUS = 'modelgate-lifecycle';

describe("modelgate's own events on EventBridge", () => {
  let mlflow: FakeMlflow;
  let bus: EventBridgeFake;
  let t: TestApp;
  let alice: string;
  let bob: string;
  let carol: string;
  let ci: string;

  const sql = <T = any>(text: string, params: unknown[] = []) => withDatabase(t.databaseUrl, async (db) => (await db.query(text, params)).rows as T[]);
  const auditSeq = async (action: string, version: string) => {
    const res = await t.request('GET', '/audit', { query: { model: 'shop', action } });
    return res.body.items.find((e: { version: string }) => e.version === version).seq as number;
  };
  const eventsOf = (type: string, version: string) => bus.ofType(type).filter((e) => e.detail.version === version);

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    mlflow.seed.modelVersion({ name: 'shop', stage: 'Production' });
    mlflow.seed.modelVersion({ name: 'shop', stage: 'Staging' });
    mlflow.seed.modelVersion({ name: 'shop', stage: 'Staging' });
    bus = await EventBridgeFake.start();
    t = await startTestApp({
      env: {
        MLFLOW_TRACKING_URI: mlflow.url,
        EVENT_BUS_NAME: BUS,
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
        NOTIFY_POLL_INTERVAL_MS: '50',
        NOTIFY_RETRY_BASE_MS: '20',
      },
    });
    alice = await t.createKey('alice', ['promoter']);
    bob = await t.createKey('bob', ['approver']);
    carol = await t.createKey('carol', ['approver']);
    ci = await t.createKey('ci-pipeline', ['ci']);
    await putProject(t, 'shop', projectYaml('shop', 'shop', 'promotion:\n  Production: { approvals: 1 }'));
  });
  afterAll(async () => {
    await t?.close();
    await bus?.close();
    await mlflow?.stop();
  });

  it('publishes pending, stage changed (the archived version too) and rejected, with actor, promotion id and audit seq', async () => {
    const requested = await promote(t, alice, 'shop', 2, 'Production');
    expect(requested.status).toBe(202);
    const id = requested.body.id;
    await bus.waitFor(() => eventsOf('Promotion Pending Approval', '2').length === 1);
    const [pending] = eventsOf('Promotion Pending Approval', '2');
    expect(pending).toMatchObject({ Source: 'modelgate', EventBusName: BUS });
    expect(pending.detail).toEqual({
      model: 'shop',
      version: '2',
      from_stage: 'Staging',
      to_stage: 'Production',
      actor: 'alice',
      promotion_id: id,
      audit_seq: await auditSeq('promotion.requested', '2'),
      project: 'shop',
      reason: 'tested and ready',
      approvals_required: 1,
      expires_at: requested.body.expires_at,
    });

    expect((await t.request('POST', `/promotions/${id}/approve`, { key: bob, body: {} })).body.status).toBe('completed');
    await bus.waitFor(() => bus.ofType('Model Version Stage Changed').length === 2);
    const completedSeq = await auditSeq('promotion.completed', '2');
    expect(eventsOf('Model Version Stage Changed', '2').map((e) => e.detail)).toEqual([
      expect.objectContaining({ from_stage: 'Staging', to_stage: 'Production', actor: 'alice', promotion_id: id, audit_seq: completedSeq, cause: 'promotion' }),
    ]);
    expect(eventsOf('Model Version Stage Changed', '1').map((e) => e.detail)).toEqual([
      expect.objectContaining({ from_stage: 'Production', to_stage: 'Archived', promotion_id: id, audit_seq: completedSeq }),
    ]);

    const second = await promote(t, alice, 'shop', 3, 'Production');
    expect((await t.request('POST', `/promotions/${second.body.id}/reject`, { key: carol, body: { comment: 'drift on segment B' } })).status).toBe(200);
    await bus.waitFor(() => eventsOf('Promotion Rejected', '3').length === 1 && eventsOf('Model Version Stage Changed', '3').length === 1);
    const rejectedSeq = await auditSeq('promotion.rejected', '3');
    expect(eventsOf('Promotion Rejected', '3')[0].detail).toMatchObject({
      actor: 'carol',
      requested_by: 'alice',
      comment: 'drift on segment B',
      archived_candidate: true,
      promotion_id: second.body.id,
      audit_seq: rejectedSeq,
    });
    expect(eventsOf('Model Version Stage Changed', '3')[0].detail).toMatchObject({ from_stage: 'Staging', to_stage: 'Archived', actor: 'carol', cause: 'rejection', audit_seq: rejectedSeq });
  });

  it('publishes every deploy gate decision, allowed or denied', async () => {
    const allowed = await t.request('POST', '/deploy-gate', { key: ci, body: { project: 'shop', env: 'prd', commit: 'abc123' } });
    expect(allowed.status).toBe(200);
    const denied = await t.request('POST', '/deploy-gate', { key: ci, body: { project: 'shop', env: 'prd', version: '1' } });
    expect(denied.status).toBe(409);
    await bus.waitFor(() => bus.ofType('Deploy Gate Decision').length === 2);
    const byId = new Map(bus.ofType('Deploy Gate Decision').map((e) => [e.detail.decision_id, e.detail]));
    expect(byId.get(allowed.body.decision_id)).toMatchObject({ project: 'shop', env: 'prd', model: 'shop', version: '2', stage: 'Production', outcome: 'allowed', allowed: true, actor: 'ci-pipeline', commit: 'abc123' });
    expect(byId.get(denied.body.decision_id)).toMatchObject({ version: '1', outcome: 'denied', allowed: false, reasons: [expect.stringContaining('Archived')] });
  });

  it('announces a notification that went dead (an approver e-mail without NOTIFY_FROM)', async () => {
    await bus.waitFor(() => bus.ofType('Notification Failed').length >= 1);
    const failed = bus.ofType('Notification Failed').map((e) => e.detail);
    expect(failed).toContainEqual(
      expect.objectContaining({ channel: 'email', recipient: 'ml-team@rentcars.com', model: 'shop', version: '2', attempts: 1, error: expect.stringContaining('NOTIFY_FROM') }),
    );
  });

  it('retries only the entries PutEvents refused, in batches of at most 10', async () => {
    bus.failEntryOnce((e) => (JSON.parse(e.Detail).n === 3 ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' } : undefined));
    bus.failEntryOnce((e) => (JSON.parse(e.Detail).n === 7 ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' } : undefined));
    bus.failEntryOnce((e) => (JSON.parse(e.Detail).n === 11 ? { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' } : undefined));
    const payloads = Array.from({ length: 12 }, (_, n) =>
      JSON.stringify({ type: 'bus_event', event_bus_name: BUS, source: 'modelgate', detail_type: 'Deploy Gate Decision', time: new Date().toISOString(), detail: { batch: 'partial', n } }),
    );
    // One statement: the worker finds all twelve due at once.
    await sql(
      `INSERT INTO outbox (kind, dedupe_key, payload) SELECT 'bus', 'partial-' || i, p::jsonb FROM unnest($1::text[]) WITH ORDINALITY AS t(p, i)`,
      [payloads],
    );
    const rowsOf = () => sql<{ n: number; status: string; attempts: number; last_error: string | null }>(
      `SELECT (payload->'detail'->>'n')::int AS n, status, attempts, last_error FROM outbox WHERE dedupe_key LIKE 'partial-%' ORDER BY 1`,
    );
    for (const deadline = Date.now() + 10_000; (await rowsOf()).some((r) => r.status === 'pending'); ) {
      if (Date.now() > deadline) throw new Error(`still pending: ${JSON.stringify(await rowsOf())}`);
      await new Promise((r) => setTimeout(r, 25));
    }

    const sent = bus.batches.map((b) => b.map((e) => JSON.parse(e.Detail)).filter((d) => d.batch === 'partial').map((d) => d.n as number)).filter((b) => b.length);
    // Several claim loops may split the twelve differently; what must hold: no call over 10 entries,
    // and only the refused entries (3 and 7) sent a second time.
    expect(Math.max(...bus.batches.map((b) => b.length))).toBeLessThanOrEqual(10);
    const timesSent = new Map<number, number>();
    for (const n of sent.flat()) timesSent.set(n, (timesSent.get(n) ?? 0) + 1);
    expect([...timesSent.entries()].sort((x, y) => x[0] - y[0])).toEqual(
      Array.from({ length: 12 }, (_, n) => [n, n === 3 || n === 7 ? 2 : 1]),
    );
    const accepted = bus.accepted.filter((e) => e.detail.batch === 'partial').map((e) => e.detail.n as number);
    expect(accepted.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    const rows = await rowsOf();
    expect(rows.filter((r) => r.status === 'delivered').map((r) => [r.n, r.attempts])).toEqual(
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => [n, n === 3 || n === 7 ? 2 : 1]),
    );
    expect(rows[11]).toEqual({ n: 11, status: 'dead', attempts: 1, last_error: 'EventBridge refused the entry: MalformedDetail: Detail is malformed.' });
  });
});
