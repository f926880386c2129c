import { Transactions } from '../../src/database/transactions';
import { OutboxStore } from '../../src/outbox/outbox.store';
import { SesFake } from '../fakes/ses/ses-fake';
import { SlackSink } from '../fakes/slack/slack-sink';
import { notifyEnv } from '../fixtures/events/app-env';
import { makeSfnEvent } from '../fixtures/events/factories';
import { TestApp, startTestApp } from '../helpers/test-app';
import { withDatabase } from '../helpers/test-database';
import { waitUntil } from '../helpers/wait';

interface LeasedRow {
  id: string;
  kind: string;
  status: string;
  attempts: number;
  lease_owner: string | null;
  leased_until: Date | null;
}

/** Outbox rows are leased (a commit before the send), recorded one send at a time, and taken over once a lease expires. */
describe('outbox leases', () => {
  let ses: SesFake;
  let slack: SlackSink;
  const apps: TestApp[] = [];

  const start = async (env: Record<string, string | undefined>, databaseUrl?: string) => {
    const app = await startTestApp({ databaseUrl, env: notifyEnv(ses, slack, env) });
    apps.push(app);
    return app;
  };
  const post = (app: TestApp, execution: string, status = 'SUCCEEDED') =>
    app.request('POST', '/events/eventbridge', { body: makeSfnEvent({ project: 'churn', status, execution }) });
  const sql = <R>(app: TestApp, text: string, params: unknown[] = []) => withDatabase(app.databaseUrl, async (db) => (await db.query(text, params)).rows as R[]);
  const rowsOf = (app: TestApp, execution: string) =>
    sql<LeasedRow>(
      app,
      'SELECT id, kind, status, attempts, lease_owner, leased_until FROM outbox WHERE execution_arn LIKE $1 ORDER BY kind, recipient',
      [`%:${execution}`],
    );
  const sentAbout = async (execution: string) =>
    (await ses.emails()).filter((m) => m.subject.endsWith(`— ${execution}`)).length + slack.delivered().filter((p) => JSON.stringify(p.body).includes(execution)).length;

  beforeAll(async () => {
    ses = await SesFake.start();
    slack = await SlackSink.start();
  });
  afterEach(async () => {
    ses.latencyMs = 0;
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });
  afterAll(async () => {
    await slack?.close();
    await ses?.close();
  });

  it('records each send as it ends: the Slack post is delivered while the e-mails of its batch still wait on SES', async () => {
    const t = await start({ NOTIFY_TIMEOUT_MS: '10000' });
    ses.latencyMs = 1_500;
    expect((await post(t, 'slow-mail', 'FAILED')).status).toBe(202);
    const rows = await waitUntil('the Slack row to be delivered', async () => {
      const all = await rowsOf(t, 'slow-mail');
      return all.find((r) => r.kind === 'slack')?.status === 'delivered' && all;
    });
    const mails = rows.filter((r) => r.kind === 'email');
    expect(mails.map((r) => [r.status, r.attempts])).toEqual([['pending', 1], ['pending', 1]]);
    expect(mails.every((r) => r.lease_owner !== null && r.leased_until!.getTime() > Date.now())).toBe(true);
    expect((await ses.emails()).filter((m) => m.subject.endsWith('— slow-mail'))).toEqual([]);

    const done = await waitUntil('the e-mails to be delivered', async () => {
      const all = await rowsOf(t, 'slow-mail');
      return all.every((r) => r.status === 'delivered') && all;
    });
    expect(done.map((r) => [r.status, r.attempts, r.lease_owner, r.leased_until])).toEqual(done.map(() => ['delivered', 1, null, null]));
  });

  it("takes over rows whose lease expired (a crashed worker's), and leaves rows under a live lease alone", async () => {
    const ingest = await start({ NOTIFY_WORKER_ENABLED: 'false' });
    for (const execution of ['orphaned', 'still-leased']) expect((await post(ingest, execution)).status).toBe(202);
    const lease = (execution: string, until: string) =>
      sql(ingest, `UPDATE outbox SET lease_owner = gen_random_uuid(), leased_until = ${until}, attempts = 1 WHERE execution_arn LIKE $1`, [`%:${execution}`]);
    await lease('orphaned', "now() - interval '1 second'");
    await lease('still-leased', "now() + interval '1 hour'");
    const liveOwners = (await rowsOf(ingest, 'still-leased')).map((r) => r.lease_owner);

    const worker = await start({ ADMIN_API_KEY: ingest.adminKey }, ingest.databaseUrl);
    const taken = await waitUntil('the orphaned rows to be delivered', async () => {
      const all = await rowsOf(worker, 'orphaned');
      return all.every((r) => r.status === 'delivered') && all;
    });
    expect(taken.map((r) => [r.attempts, r.lease_owner])).toEqual([[2, null], [2, null]]);
    expect(await sentAbout('orphaned')).toBe(2);

    await new Promise((r) => setTimeout(r, 20 * Number(worker.config.outbox.pollIntervalMs)));
    const held = await rowsOf(worker, 'still-leased');
    expect(held.map((r) => [r.status, r.attempts, r.lease_owner])).toEqual(liveOwners.map((owner) => ['pending', 1, owner]));
    expect(await sentAbout('still-leased')).toBe(0);

    await sql(worker, "UPDATE outbox SET leased_until = now() WHERE execution_arn LIKE '%:still-leased'");
    await waitUntil('the expired rows to be delivered', async () => (await rowsOf(worker, 'still-leased')).every((r) => r.status === 'delivered'));
    expect(await sentAbout('still-leased')).toBe(2);
  });

  it('records an outcome only for the claim that holds the lease', async () => {
    const t = await start({ NOTIFY_WORKER_ENABLED: 'false' });
    expect((await post(t, 'contested')).status).toBe(202);
    const store = t.app.get(OutboxStore);
    const transactions = t.app.get(Transactions);
    const delivered = (owner: string, ids: string[]) => ids.map((id) => ({ id, leaseOwner: owner, status: 'delivered' as const, error: null, delayMs: 0 }));
    const [first, late, second] = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-00000000000c'];

    const claimed = await store.claimDue(10, { owner: first, ms: 100 });
    expect(claimed.map((i) => i.attempts)).toEqual([1, 1]);
    expect(await store.claimDue(10, { owner: late, ms: 60_000 })).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    const retaken = await store.claimDue(10, { owner: second, ms: 60_000 });
    expect(retaken.map((i) => i.id).sort()).toEqual(claimed.map((i) => i.id).sort());
    expect(retaken.map((i) => i.attempts)).toEqual([2, 2]);

    const ids = claimed.map((i) => i.id);
    expect(await transactions.run((tx) => store.recordAttempts(tx, delivered(first, ids)))).toEqual([]);
    expect((await rowsOf(t, 'contested')).map((r) => [r.status, r.lease_owner])).toEqual([['pending', second], ['pending', second]]);
    expect((await transactions.run((tx) => store.recordAttempts(tx, delivered(second, ids)))).sort()).toEqual([...ids].sort());
    expect((await rowsOf(t, 'contested')).map((r) => [r.status, r.lease_owner, r.leased_until])).toEqual([['delivered', null, null], ['delivered', null, null]]);
  });

  it('holds a row until it is released with its final payload, and leaves one the worker took once its hold ended', async () => {
    const t = await start({ NOTIFY_WORKER_ENABLED: 'false' });
    const store = t.app.get(OutboxStore);
    const transactions = t.app.get(Transactions);
    const row = (key: string, holdMs: number) => ({
      kind: 'email' as const,
      dedupeKey: `held|${key}`,
      recipient: 'ml-team@rentcars.com',
      project: 'churn',
      executionArn: `arn:aws:states:us-east-1:123456789012:execution:churn-workflow:held-${key}`,
      payload: { type: 'pipeline_run', notice: { version: 'as committed' } } as never,
      holdMs,
    });
    const ids = await transactions.run((tx) => store.insert(tx, [row('waiting', 60_000), row('expired', 0)]));
    expect(await store.claimDue(10, { owner: '6f1b7a3e-0000-4000-8000-000000000001', ms: 60_000 })).toEqual([expect.objectContaining({ dedupeKey: 'held|expired' })]);

    const final = { type: 'pipeline_run', notice: { version: 'named the step' } } as never;
    await store.release([{ id: ids.get('held|waiting')!, payload: final }, { id: ids.get('held|expired')!, payload: final }]);
    const rows = await sql<{ dedupe_key: string; due: boolean; payload: { notice: { version: string } } }>(
      t,
      `SELECT dedupe_key, next_attempt_at <= now() AS due, payload FROM outbox WHERE dedupe_key LIKE 'held|%' ORDER BY dedupe_key`,
    );
    expect(rows.map((r) => [r.dedupe_key, r.due, r.payload.notice.version])).toEqual([
      ['held|expired', true, 'as committed'],
      ['held|waiting', true, 'named the step'],
    ]);
  });
});
