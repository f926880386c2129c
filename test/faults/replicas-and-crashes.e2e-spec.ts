import { StepFunctionsFake } from '../fakes/aws/step-functions-fake';
import { FakeMlflow } from '../fakes/mlflow';
import { SesFake } from '../fakes/ses/ses-fake';
import { SlackSink } from '../fakes/slack/slack-sink';
import { notifyEnv } from '../fixtures/events/app-env';
import { SfnEvent, makeSfnEvent } from '../fixtures/events/factories';
import { killApp, stopApp } from '../helpers/app-process';
import { createTestDatabase, withDatabase } from '../helpers/test-database';
import { waitUntil } from '../helpers/wait';
import { faultScenario } from './support/fault-summary';
import { Replica, metricValue, startReplica } from './support/fleet';
import { HeldUpstream } from './support/held-upstream';

interface OutboxRow {
  id: string;
  kind: string;
  recipient: string;
  status: string;
  attempts: number;
  execution_arn: string;
}

/** Two or more processes of the built service (dist/src/main.js) on one database, killed and restarted. */
describe('fault injection: replicas and crashes (built service, real processes)', () => {
  let mlflow: FakeMlflow;
  let ses: SesFake;
  let slack: SlackSink;
  const running: Replica[] = [];

  const outboxOf = (databaseUrl: string, like: string) =>
    withDatabase(databaseUrl, async (db) =>
      (await db.query<OutboxRow>('SELECT id, kind, recipient, status, attempts, execution_arn FROM outbox WHERE execution_arn LIKE $1 ORDER BY id', [`%:${like}%`])).rows,
    );
  const drained = (databaseUrl: string, like: string, count: number, timeoutMs = 30_000) =>
    waitUntil(`${count} delivered notifications of ${like}`, async () => {
      const rows = await outboxOf(databaseUrl, like);
      return rows.length === count && rows.every((r) => r.status === 'delivered') && rows;
    }, timeoutMs, 50);
  /** How many times each outbox row's message reached SES or Slack. */
  const deliveriesPerRow = async (rows: OutboxRow[]) => {
    const mails = await ses.emails();
    return rows.map((r) => {
      const name = r.execution_arn.split(':').pop()!;
      if (r.kind === 'email') return mails.filter((m) => m.subject.endsWith(`— ${name}`) && m.destination.to.includes(r.recipient)).length;
      const mentions = new RegExp(`— ${name}(?![\\w-])`);
      return slack.delivered(r.recipient.replace(/^slack:/, '')).filter((p) => mentions.test(String(p.body?.text))).length;
    });
  };
  /** Duplicates (deliveries beyond the first) and lost rows (never delivered), from the deliveries counted per row. */
  const deliveryCounts = (perRow: number[]) => ({
    duplicates: perRow.reduce((sum, n) => sum + Math.max(0, n - 1), 0),
    lost: perRow.filter((n) => n === 0).length,
  });
  const launch = async (env: Record<string, string | undefined>) => {
    const replica = await startReplica(env);
    running.push(replica);
    return replica;
  };
  const createKey = async (replica: Replica, name: string, roles: string[]) => {
    const res = await replica.call<{ key: string }>('POST', '/api-keys', { body: { name, roles } });
    if (res.status !== 201) throw new Error(`key ${name}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.key;
  };
  const postEvent = (replica: Replica, key: string, event: SfnEvent) => replica.call('POST', '/events/eventbridge', { key, body: event });

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    ses = await SesFake.start();
    slack = await SlackSink.start();
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => stopApp(r.process, 5_000)));
  });
  afterAll(async () => {
    await slack?.close();
    await ses?.close();
    await mlflow?.stop();
  });

  faultScenario('3', 'Two app processes draining one outbox', async (counts) => {
    const env = { DATABASE_URL: await createTestDatabase(), MLFLOW_TRACKING_URI: mlflow.url, ...notifyEnv(ses, slack) };
    const [a, b] = await Promise.all([launch(env), launch(env)]);
    const key = await createKey(a, 'fault-eventbridge', ['events']);
    ses.latencyMs = 15; // sends overlap, so both replicas hold leased batches at once
    try {
      const events = Array.from({ length: 40 }, (_, i) => makeSfnEvent({ project: 'churn', status: 'FAILED', execution: `twins-${i}` }));
      const answers = await Promise.all(events.map((e, i) => postEvent(i % 2 ? b : a, key, e)));
      expect(answers.map((r) => r.status)).toEqual(events.map(() => 202));
      const rows = await drained(env.DATABASE_URL, 'twins-', 120);
      expect(rows.every((r) => r.attempts === 1)).toBe(true);
      const perRow = await deliveriesPerRow(rows);
      expect(perRow.every((n) => n === 1)).toBe(true);

      const sent = async (r: Replica) =>
        (await metricValue(r, 'modelgate_notifications_total{channel="email",outcome="delivered"}')) +
        (await metricValue(r, 'modelgate_notifications_total{channel="slack",outcome="delivered"}'));
      const [byA, byB] = [await sent(a), await sent(b)];
      expect(byA + byB).toBe(120);
      expect(byA).toBeGreaterThan(0);
      expect(byB).toBeGreaterThan(0);
      Object.assign(counts, {
        events: answers.filter((r) => r.status === 202).length,
        notifications: rows.length,
        sent_by_a: byA,
        sent_by_b: byB,
        ...deliveryCounts(perRow),
      });
    } finally {
      ses.latencyMs = 0;
    }
  }, 60_000);

  faultScenario('4a', 'kill -9 mid-outbox, restart', async (counts) => {
    const held = await HeldUpstream.start(ses.endpoint);
    try {
      // Sends are cut at 5 s: the held e-mails stay in flight until the kill; leases last 5 + 10 s.
      const env = {
        DATABASE_URL: await createTestDatabase(),
        MLFLOW_TRACKING_URI: mlflow.url,
        ...notifyEnv(ses, slack, { AWS_ENDPOINT_URL_SES: held.url, NOTIFY_TIMEOUT_MS: '5000' }),
      };
      const a = await launch(env);
      const key = await createKey(a, 'fault-eventbridge', ['events']);
      held.hold();
      // Each event's two e-mails hang at SES, holding its worker lane, while its Slack post is answered at once; once every lane is stuck, later events stay unsent.
      for (let i = 0; i < 8; i++) {
        expect((await postEvent(a, key, makeSfnEvent({ project: 'churn', status: 'FAILED', execution: `crash-outbox-${i}` }))).status).toBe(202);
        await waitUntil('the e-mails to reach SES', async () => held.held >= 2 * (i + 1), 400).catch(() => undefined);
      }
      // In flight at the kill: the e-mails SES holds unanswered, counted at SES.
      const inFlight = held.heldBodies().map((body) => new URLSearchParams(body));
      const beforeKill = await outboxOf(env.DATABASE_URL, 'crash-outbox-');
      expect(inFlight.length).toBeGreaterThan(0);
      await killApp(a.process);
      held.release(); // what the dead process had sent reaches SES anyway

      const restartedAt = Date.now();
      await launch(env);
      const rows = await drained(env.DATABASE_URL, 'crash-outbox-', 24);
      const drainedMs = Date.now() - restartedAt;
      const perRow = await deliveriesPerRow(rows);
      const wasInFlight = (r: OutboxRow) =>
        r.kind === 'email' &&
        inFlight.some((p) => p.get('Destination.ToAddresses.member.1') === r.recipient && String(p.get('Message.Subject.Data')).endsWith(`— ${r.execution_arn.split(':').pop()}`));
      const delivered = deliveryCounts(perRow);
      Object.assign(counts, {
        rows: rows.length,
        recorded_before_kill: beforeKill.filter((r) => r.status === 'delivered').length,
        sends_in_flight_at_kill: inFlight.length,
        unsent_at_kill: beforeKill.filter((r) => r.status === 'pending' && !wasInFlight(r)).length,
        ...delivered,
        once: perRow.filter((n) => n === 1).length,
        twice: perRow.filter((n) => n === 2).length,
        drained_after_restart_ms: drainedMs,
      });
      expect(delivered.duplicates).toBeLessThanOrEqual(inFlight.length);
      expect(delivered.lost).toBe(0);
      // Only sends in flight at the kill may repeat: every other row, recorded before the kill or not yet sent, reached its recipient once.
      expect(rows.filter((r, i) => !wasInFlight(r) && perRow[i] !== 1).map((r) => `${r.kind} ${r.recipient} ${r.execution_arn}`)).toEqual([]);
    } finally {
      await held.close();
    }
  }, 60_000);

  faultScenario('4c', 'kill -9 before the failing step of committed failures is known, restart', async (counts) => {
    const sfn = await StepFunctionsFake.start();
    sfn.failAlways('hang', 'GetExecutionHistory'); // the lookups after the commit never end: the process dies first
    try {
      const env = { DATABASE_URL: await createTestDatabase(), MLFLOW_TRACKING_URI: mlflow.url, ...notifyEnv(ses, slack, { AWS_ENDPOINT_URL_SFN: sfn.endpoint }) };
      const a = await launch(env);
      const key = await createKey(a, 'fault-eventbridge', ['events']);
      const answers: number[] = [];
      for (let i = 0; i < 3; i++) {
        const started = Date.now();
        expect((await postEvent(a, key, makeSfnEvent({ project: 'churn', status: 'FAILED', execution: `crash-lookup-${i}` }))).status).toBe(202);
        answers.push(Date.now() - started);
      }
      await waitUntil('every lookup to reach Step Functions', async () => sfn.callsOf('GetExecutionHistory').length >= 3, 2_000);
      const heldAtKill = await withDatabase(env.DATABASE_URL, async (db) =>
        (await db.query<{ n: string }>(`SELECT count(*) AS n FROM outbox WHERE execution_arn LIKE '%:crash-lookup-%' AND next_attempt_at > now()`)).rows[0].n,
      );
      await killApp(a.process);
      const killedAt = Date.now();

      await launch(env);
      const rows = await drained(env.DATABASE_URL, 'crash-lookup-', 9, 20_000);
      const perRow = await deliveriesPerRow(rows);
      const mails = (await ses.emails()).filter((m) => m.subject.includes('— crash-lookup-'));
      Object.assign(counts, {
        events: answers.length,
        slowest_answer_ms: Math.max(...answers),
        held_at_kill: Number(heldAtKill),
        sent_without_step: mails.filter((m) => !String(m.body.text).includes('Failed step')).length,
        ...deliveryCounts(perRow),
        drained_after_kill_ms: Date.now() - killedAt,
      });
      expect(Math.max(...answers)).toBeLessThan(1_000);
      expect(Number(heldAtKill)).toBe(9);
      expect(perRow).toEqual(rows.map(() => 1));
      expect(mails.every((m) => !String(m.body.text).includes('Failed step'))).toBe(true);
    } finally {
      await sfn.close();
    }
  }, 60_000);

  faultScenario('4b', 'kill -9 mid-promotion, restart', async (counts) => {
    mlflow.seed.modelVersion({ name: 'crash-applied', stage: 'Staging' });
    mlflow.seed.modelVersion({ name: 'crash-lost', stage: 'Staging' });
    const transitionOf = (model: string) => mlflow.hold((r) => r.path.endsWith('/transition-stage') && (r.body as { name?: string })?.name === model);
    const applied = transitionOf('crash-applied');
    const lost = transitionOf('crash-lost');
    const env = { DATABASE_URL: await createTestDatabase(), MLFLOW_TRACKING_URI: mlflow.url, MLFLOW_TIMEOUT_MS: '20000' };
    const sql = <R>(text: string) => withDatabase(env.DATABASE_URL, async (db) => (await db.query(text)).rows as R[]);
    const a = await launch(env);
    const promoter = await createKey(a, 'fault-promoter', ['promoter']);
    const calls = ['crash-applied', 'crash-lost'].map((model) =>
      a.call('POST', `/models/${model}/versions/1/promote`, { key: promoter, body: { stage: 'Production', reason: 'crash test' } }).catch((err: Error) => err),
    );
    await Promise.all([applied.waitFor(1), lost.waitFor(1)]);
    const applyingAtKill = await sql<{ model: string; status: string }>('SELECT model, status FROM promotions ORDER BY model');
    expect(applyingAtKill).toEqual([
      { model: 'crash-applied', status: 'applying' },
      { model: 'crash-lost', status: 'applying' },
    ]);
    await killApp(a.process);
    for (const c of await Promise.all(calls)) expect(String(c)).toMatch(/fetch failed/); // the callers saw the connection die
    applied.release(); // MLflow received and applied this transition; its answer died with the process
    lost.discard(); // this one never reached MLflow
    await waitUntil('MLflow to apply the released transition', async () => mlflow.state.registry.version('crash-applied', 1).currentStage === 'Production', 2_000);

    const restartedAt = Date.now();
    const b = await launch(env);
    const settledRows = await waitUntil('the reconciler to settle both promotions', async () => {
      const rows = await sql<{ model: string; status: string; failure: string | null }>('SELECT model, status, failure FROM promotions ORDER BY model');
      return rows.every((r) => r.status !== 'applying') && rows;
    }, 15_000, 50);
    const reconcileMs = Date.now() - restartedAt;
    expect(settledRows).toEqual([
      { model: 'crash-applied', status: 'completed', failure: null },
      { model: 'crash-lost', status: 'failed', failure: expect.stringContaining('interrupted') },
    ]);
    expect(mlflow.state.registry.version('crash-lost', 1).currentStage).toBe('Staging');
    const audit = await sql<{ model: string; action: string }>("SELECT model, action FROM audit_events WHERE model LIKE 'crash-%' ORDER BY seq");
    expect(audit.filter((e) => e.action !== 'promotion.requested')).toEqual(
      expect.arrayContaining([
        { model: 'crash-applied', action: 'promotion.completed' },
        { model: 'crash-lost', action: 'promotion.failed' },
      ]),
    );
    expect((await b.call('GET', '/audit/verify')).body).toMatchObject({ valid: true });
    Object.assign(counts, {
      applying_at_kill: applyingAtKill.length,
      completed: settledRows.filter((r) => r.status === 'completed').length,
      failed: settledRows.filter((r) => r.status === 'failed').length,
      stuck: settledRows.filter((r) => !['completed', 'failed'].includes(r.status)).length,
      settled_after_restart_ms: reconcileMs,
    });
  }, 60_000);
});
