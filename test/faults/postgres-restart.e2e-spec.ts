import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeMlflow } from '../fakes/mlflow';
import { SesFake } from '../fakes/ses/ses-fake';
import { SlackSink } from '../fakes/slack/slack-sink';
import { notifyEnv } from '../fixtures/events/app-env';
import { SfnEvent, makeSfnEvent } from '../fixtures/events/factories';
import { stopApp } from '../helpers/app-process';
import { withDatabase } from '../helpers/test-database';
import { waitUntil } from '../helpers/wait';
import { faultScenario } from './support/fault-summary';
import { Replica, startReplica } from './support/fleet';
import { PgController } from './support/pg-controller';
import { TcpRelay } from './support/tcp-relay';

interface Answer {
  kind: 'gate' | 'event';
  status: number;
  phase: 'before' | 'down' | 'after';
  event?: SfnEvent;
  allowed?: boolean;
  decisionId?: string | null;
}

const LANES = 4;

/**
 * The suite's shared PostgreSQL cannot be restarted under other files, so this file starts its own
 * (startEmbeddedPostgres of the built service, persistent data dir) and restarts it. The server comes back on a new port; a TCP relay keeps the
 * address the app was given, as a DNS name would.
 */
describe('fault injection: PostgreSQL restarted under load (built service, real process)', () => {
  let dir: string;
  let pg: PgController;
  let pgUrl: string;
  let relay: TcpRelay;
  let mlflow: FakeMlflow;
  let ses: SesFake;
  let slack: SlackSink;
  let app: Replica | undefined;

  const portOf = (url: string) => Number(new URL(url).port);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modelgate-faults-pg-'));
    pg = PgController.open(join(dir, 'pg'));
    pgUrl = await pg.start();
    relay = new TcpRelay(portOf(pgUrl));
    await relay.open();
    mlflow = await FakeMlflow.start();
    mlflow.seed.recsysScenario('stages'); // recsys v2 in Production: the gate allows prd
    ses = await SesFake.start();
    slack = await SlackSink.start();
  }, 60_000);
  afterAll(async () => {
    if (app) await stopApp(app.process, 5_000);
    await relay?.close();
    await pg?.close();
    await slack?.close();
    await ses?.close();
    await mlflow?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  faultScenario('7', 'PostgreSQL restarted under load', async (counts) => {
    const url = new URL(pgUrl);
    url.port = String(relay.port);
    const databaseUrl = url.toString();
    app = await startReplica({ DATABASE_URL: databaseUrl, MLFLOW_TRACKING_URI: mlflow.url, ...notifyEnv(ses, slack) });
    const ci = (await app.call('POST', '/api-keys', { body: { name: 'fault-ci', roles: ['ci'] } })).body.key as string;
    const events = (await app.call('POST', '/api-keys', { body: { name: 'fault-events', roles: ['events'] } })).body.key as string;
    const ready = async () => (await app!.call('GET', '/health/ready', { key: null })).status;

    let phase: Answer['phase'] = 'before';
    let stop = false;
    const answers: Answer[] = [];
    let n = 0;
    const lane = async () => {
      while (!stop) {
        const i = n++;
        const at = phase;
        const kind = i % 2 === 0 ? 'gate' : 'event';
        const event = kind === 'event' ? makeSfnEvent({ project: 'recsys', status: 'SUCCEEDED', execution: `pg-restart-${i}` }) : undefined;
        try {
          if (!event) {
            const res = await app!.call('POST', '/deploy-gate', { key: ci, body: { project: 'recsys', env: 'prd' } });
            answers.push({ kind, status: res.status, phase: at, allowed: res.body?.allowed, decisionId: res.body?.decision_id });
          } else {
            const res = await app!.call('POST', '/events/eventbridge', { key: events, body: event });
            answers.push({ kind, status: res.status, phase: at, event });
          }
        } catch {
          answers.push({ kind, status: 0, phase: at, event });
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const load = Array.from({ length: LANES }, () => lane());

    await new Promise((r) => setTimeout(r, 500));
    phase = 'down';
    await pg.stop();
    await relay.close(); // refused while PostgreSQL is down
    const downReady = await app.call('GET', '/health/ready', { key: null });
    expect(downReady.status).toBe(503);
    expect(downReady.body).toMatchObject({ code: 'NOT_READY', details: { postgres: { status: 'down' } } });
    expect((await app.call('GET', '/health/live', { key: null })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));

    await relay.open(portOf(await pg.start()));
    const backAt = Date.now();
    await waitUntil('readiness to come back', async () => (await ready()) === 200, 20_000, 100);
    const readyAfterMs = Date.now() - backAt;
    phase = 'after';
    await new Promise((r) => setTimeout(r, 500));
    stop = true;
    await Promise.all(load);

    // EventBridge retries what was not acknowledged with a 2xx.
    const unacknowledged = answers.filter((a) => a.kind === 'event' && a.status !== 202);
    for (const a of unacknowledged) if (a.event) expect((await app.call('POST', '/events/eventbridge', { key: events, body: a.event })).status).toBe(202);

    const gates = answers.filter((a) => a.kind === 'gate');
    const eventAnswers = answers.filter((a) => a.kind === 'event' && a.event);
    expect(gates.filter((a) => a.phase === 'down').length).toBeGreaterThan(0);
    expect(gates.every((a) => a.status === 200 || a.status === 503)).toBe(true); // decided, or failed closed
    expect(gates.filter((a) => a.status === 200).every((a) => a.allowed === true && typeof a.decisionId === 'string')).toBe(true);
    expect(answers.filter((a) => a.phase === 'after').every((a) => a.status === 200 || a.status === 202)).toBe(true);
    expect(unacknowledged.length).toBeGreaterThan(0);

    const stored = await withDatabase(databaseUrl, async (db) => {
      const runs = (await db.query<{ n: number }>("SELECT count(DISTINCT execution_arn)::int AS n FROM pipeline_events WHERE execution_arn LIKE '%:pg-restart-%'")).rows[0].n;
      const rows = (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pipeline_events WHERE execution_arn LIKE '%:pg-restart-%'")).rows[0].n;
      const decided = (await db.query<{ id: string }>("SELECT id FROM deploy_decisions WHERE outcome = 'allowed'")).rows.map((r) => r.id);
      return { runs, rows, decided: new Set(decided) };
    });
    expect(stored.runs).toBe(eventAnswers.length);
    expect(stored.rows).toBe(eventAnswers.length);
    for (const g of gates.filter((a) => a.status === 200)) expect(stored.decided).toContain(g.decisionId);
    await waitUntil('every notification to be delivered', () =>
      withDatabase(databaseUrl, async (db) => {
        const { rows } = await db.query<{ status: string; n: number }>("SELECT status, count(*)::int AS n FROM outbox WHERE execution_arn LIKE '%:pg-restart-%' GROUP BY 1");
        return rows.length === 1 && rows[0].status === 'delivered' && rows[0].n === eventAnswers.length;
      }), 20_000, 100);
    const perRun = new Map<string, number>();
    for (const m of (await ses.emails()).filter((x) => x.subject.includes('— pg-restart-'))) perRun.set(m.subject, (perRun.get(m.subject) ?? 0) + 1);
    expect(perRun.size).toBe(eventAnswers.length);
    // A send whose outcome cannot be recorded before its lease expires is sent again (at least once); only runs accepted before the stop can be.
    const mailedRuns = new Set([...perRun.keys()].map((subject) => subject.split('— ').pop()!));
    const inFlightAtStop = new Set(eventAnswers.filter((a) => a.phase === 'before' && a.status === 202).map((a) => a.event!.detail.name as string));
    const resent = [...perRun.entries()].filter(([, c]) => c > 1).map(([subject]) => subject.split('— ').pop()!);
    expect([...perRun.values()].every((c) => c <= 2)).toBe(true);
    expect(resent.filter((name) => !inFlightAtStop.has(name))).toEqual([]);
    const appExits = app.process.child.exitCode === null && app.process.child.signalCode === null ? 0 : 1;
    expect(appExits).toBe(0);

    Object.assign(counts, {
      requests: answers.length,
      failed_closed_503: gates.filter((a) => a.status === 503).length,
      events_retried: unacknowledged.length,
      events_stored: stored.runs,
      mails: perRun.size,
      resent_after_failed_commit: resent.length,
      lost: eventAnswers.filter((a) => !mailedRuns.has(a.event!.detail.name as string)).length,
      ready_after_pg_ms: readyAfterMs,
      app_exits: appExits,
    });
  }, 90_000);
});
