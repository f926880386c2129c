import { SchedulerRegistry } from '@nestjs/schedule';
import { PipelineEventRetention } from '../../src/events/pipeline-event-retention';
import { OutboxRetention } from '../../src/outbox/outbox-retention';
import { TestApp, startTestApp } from '../helpers/test-app';
import { withDatabase } from '../helpers/test-database';

const DAY = 24 * 3600_000;

describe('retention of notifications and pipeline events', () => {
  let t: TestApp;
  const sql = <T = any>(text: string, params: unknown[] = []) => withDatabase(t.databaseUrl, async (db) => (await db.query(text, params)).rows as T[]);
  const ago = (days: number) => new Date(Date.now() - days * DAY);

  const addEvent = (key: string, executionArn: string | null, receivedDaysAgo: number) =>
    sql(
      `INSERT INTO pipeline_events (event_id, source, detail_type, ignored, execution_arn, state_machine_arn, status, redrive_count, raw, received_at)
       VALUES ($1, 'aws.states', 'Step Functions Execution Status Change', $2, $3, $4::varchar, $5::varchar, $6::int, '{}'::jsonb, $7)`,
      [key, executionArn === null, executionArn, executionArn && 'arn:sm', executionArn && 'FAILED', executionArn && 0, ago(receivedDaysAgo)],
    );
  const addRow = (key: string, kind: string, status: string, executionArn: string | null, daysAgo: number) =>
    sql(
      `INSERT INTO outbox (kind, dedupe_key, recipient, execution_arn, payload, status, attempts, created_at, updated_at, delivered_at)
       VALUES ($1, $2, 'oncall@rentcars.com', $3, '{}'::jsonb, $4::varchar, 1, $5, $5, CASE WHEN $4::varchar = 'delivered' THEN $5::timestamptz END)`,
      [kind, key, executionArn, status, ago(daysAgo)],
    );

  beforeAll(async () => {
    t = await startTestApp({ env: { RETENTION_DAYS: '30', NOTIFY_WORKER_ENABLED: 'false' } });
    await addEvent('done-old', 'arn:exec:done', 40);
    await addRow('done-old-mail', 'email', 'delivered', 'arn:exec:done', 40);
    await addEvent('dead-old', 'arn:exec:dead', 40);
    await addRow('dead-old-mail', 'email', 'dead', 'arn:exec:dead', 100);
    await addRow('dead-old-slack', 'slack', 'delivered', 'arn:exec:dead', 40);
    await addEvent('pending-old', 'arn:exec:pending', 40);
    await addRow('pending-old-mail', 'email', 'pending', 'arn:exec:pending', 100);
    await addEvent('recent', 'arn:exec:recent', 10);
    await addRow('recent-mail', 'email', 'delivered', 'arn:exec:recent', 10);
    await addEvent('ignored-old', null, 40);
    await addRow('bus-old', 'bus', 'delivered', null, 40);
  });
  afterAll(() => t?.close());
  /** Both daily purges, the outbox's first as scheduled: what each deleted, or that another replica held its lock. */
  const purge = async (now?: Date) => {
    const outbox = await t.app.get(OutboxRetention).runOnce(now);
    const events = await t.app.get(PipelineEventRetention).runOnce(now);
    return { skipped: outbox.skipped && events.skipped, notifications: outbox.deleted, pipelineEvents: events.deleted };
  };

  it('is scheduled daily, the outbox first, then the pipeline events its purge let go', () => {
    const next = (name: string) => t.app.get(SchedulerRegistry).getCronJob(name).nextDate().toMillis();
    expect(next('retention:pipeline_events')).toBeGreaterThan(next('retention:outbox'));
    expect(next('retention:pipeline_events') - next('retention:outbox')).toBeLessThan(3600_000);
  });

  it('purges only delivered notifications and settled pipeline events older than RETENTION_DAYS, never the audit log', async () => {
    await t.createKey('auditor', ['reader']);
    const audit = await sql(`SELECT seq, hash FROM audit_events ORDER BY seq`);
    expect(audit.length).toBeGreaterThan(0);

    expect(await purge()).toEqual({ skipped: false, notifications: 3, pipelineEvents: 2 });

    expect((await sql(`SELECT dedupe_key FROM outbox ORDER BY dedupe_key`)).map((r) => r.dedupe_key)).toEqual(['dead-old-mail', 'pending-old-mail', 'recent-mail']);
    expect((await sql(`SELECT event_id FROM pipeline_events ORDER BY event_id`)).map((r) => r.event_id)).toEqual(['dead-old', 'pending-old', 'recent']);
    expect(await sql(`SELECT seq, hash FROM audit_events ORDER BY seq`)).toEqual(audit);
    expect((await t.request('GET', '/audit/verify')).body).toMatchObject({ valid: true });

    expect(await purge()).toEqual({ skipped: false, notifications: 0, pipelineEvents: 0 });
  });

  it('keeps a pipeline event while a notification about its execution is kept', async () => {
    await sql(`UPDATE outbox SET status = 'delivered', delivered_at = $1 WHERE dedupe_key = 'pending-old-mail'`, [ago(1)]);
    expect(await purge()).toEqual({ skipped: false, notifications: 0, pipelineEvents: 0 });
    expect((await sql(`SELECT event_id FROM pipeline_events ORDER BY event_id`)).map((r) => r.event_id)).toEqual(['dead-old', 'pending-old', 'recent']);

    const monthLater = new Date(Date.now() + 30 * DAY);
    expect(await purge(monthLater)).toEqual({ skipped: false, notifications: 2, pipelineEvents: 2 });
    expect((await sql(`SELECT event_id FROM pipeline_events`)).map((r) => r.event_id)).toEqual(['dead-old']);
    expect((await sql(`SELECT dedupe_key FROM outbox`)).map((r) => r.dedupe_key)).toEqual(['dead-old-mail']);
  });

  it('runs on one replica at a time', async () => {
    await withDatabase(t.databaseUrl, async (db) => {
      await db.query(`SELECT pg_advisory_lock(hashtextextended('retention:outbox', 0)), pg_advisory_lock(hashtextextended('retention:pipeline_events', 0))`);
      expect(await purge()).toEqual({ skipped: true, notifications: 0, pipelineEvents: 0 });
    });
  });
});
