import { SesFake } from '../fakes/ses/ses-fake';
import { SlackSink } from '../fakes/slack/slack-sink';
import { notifyEnv, SENDER } from '../fixtures/events/app-env';
import { FixtureName, asExecution, loadEvent, makeSfnEvent } from '../fixtures/events/factories';
import { TestApp, expectError, startTestApp } from '../helpers/test-app';
import { withDatabase } from '../helpers/test-database';
import { waitUntil } from '../helpers/wait';

const TEAM = 'ml-team@rentcars.com';
const ONCALL = 'oncall@rentcars.com';

describe('EventBridge ingestion of Step Functions events', () => {
  let ses: SesFake;
  let slack: SlackSink;
  let t: TestApp;
  let eventsKey: string;
  let readerKey: string;

  const post = (body: unknown, key = eventsKey) => t.request('POST', '/events/eventbridge', { key, body });
  const sql = <T = any>(text: string, params: unknown[] = []) =>
    withDatabase(t.databaseUrl, async (db) => (await db.query(text, params)).rows as T[]);
  const outboxOf = (executionArn: string) =>
    sql<{ kind: string; recipient: string; status: string }>(
      'SELECT kind, recipient, status FROM outbox WHERE execution_arn = $1 ORDER BY recipient',
      [executionArn],
    );
  const mailsAbout = async (executionName: string) =>
    (await ses.emails()).filter((e) => e.subject.includes(`— ${executionName}`));

  beforeAll(async () => {
    ses = await SesFake.start();
    slack = await SlackSink.start();
    // A poll interval far longer than any test: deliveries within seconds prove the in-process wake-up.
    t = await startTestApp({ env: notifyEnv(ses, slack, { NOTIFY_POLL_INTERVAL_MS: '600000' }) });
    eventsKey = await t.createKey('eventbridge', ['events']);
    readerKey = await t.createKey('dashboard', ['reader']);
  });
  afterAll(async () => {
    await t?.close();
    await slack?.close();
    await ses?.close();
  });

  it('notifies on_success and on_failure for each fixture status, once per recipient, by e-mail', async () => {
    const fixtures: [FixtureName, string[]][] = [
      ['sfn-running', []],
      ['sfn-succeeded', [TEAM]],
      ['sfn-failed', [TEAM, ONCALL]],
      ['sfn-failed-redriven', [TEAM, ONCALL]],
      ['sfn-timed-out', [TEAM, ONCALL]],
      ['sfn-aborted', [TEAM, ONCALL]],
    ];
    for (const [name] of fixtures) {
      const res = await post(loadEvent(name));
      expect({ name, status: res.status, body: res.body }).toEqual({
        name,
        status: 202,
        body: { accepted: true, duplicate: false, ignored: false },
      });
    }
    const fixtureRuns = fixtures.map(([name]) => loadEvent(name).detail.executionArn as string);
    const aboutFixtures = async () => (await ses.emails()).filter((m) => fixtureRuns.some((arn) => m.subject.includes(arn.split(':').at(-1)!)));
    const mails = await waitUntil('nine e-mails about the fixture runs', async () => {
      const found = await aboutFixtures();
      return found.length >= 9 && found;
    });
    const sent = mails.map((m) => `${m.destination.to.join(',')} ${m.subject}`).sort();
    expect(sent).toEqual(
      [
        `${TEAM} [recsys] pipeline SUCCEEDED — sched-recsys-20261122T030000`,
        `${TEAM} [recsys] pipeline FAILED — sched-recsys-20261123T030000`,
        `${ONCALL} [recsys] pipeline FAILED — sched-recsys-20261123T030000`,
        `${TEAM} [recsys] pipeline FAILED — sched-recsys-20261123T030000 (redrive 1)`,
        `${ONCALL} [recsys] pipeline FAILED — sched-recsys-20261123T030000 (redrive 1)`,
        `${TEAM} [recsys] pipeline TIMED_OUT — sched-recsys-20261124T030000`,
        `${ONCALL} [recsys] pipeline TIMED_OUT — sched-recsys-20261124T030000`,
        `${TEAM} [recsys] pipeline ABORTED — manual-rerun-42`,
        `${ONCALL} [recsys] pipeline ABORTED — manual-rerun-42`,
      ].sort(),
    );
    expect(mails.every((m) => m.from === SENDER)).toBe(true);

    const failed = mails.find((m) => m.subject === '[recsys] pipeline FAILED — sched-recsys-20261123T030000')!;
    expect(failed.body.text).toMatch(/^Project:\s+recsys \(config 1\.0\.0\)$/m);
    expect(failed.body.text).toMatch(/^Duration:\s+10m 12s$/m);
    expect(failed.body.text).toContain('"StoppedReason": "Essential container in task exited"');
    expect(failed.body.text).toContain('CloudWatch log group /ecs/recsys');
    expect(failed.body.html).toContain('https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/');
    expect(failed.body.html).toContain('&quot;TaskArn&quot;');

    // SES sees an e-mail just before the worker commits its outcome: wait for the commits.
    const byStatus = () => sql<{ status: string; n: string }>(`SELECT status, count(*) AS n FROM outbox WHERE execution_arn = ANY($1) GROUP BY status`, [fixtureRuns]);
    await waitUntil('nine deliveries committed', async () => JSON.stringify(await byStatus()) === JSON.stringify([{ status: 'delivered', n: '9' }]), 5_000);
    expect(await byStatus()).toEqual([{ status: 'delivered', n: '9' }]);
  });

  it('acknowledges the same event five times (in a row and at once) with one notification per recipient', async () => {
    const duplicatesCounted = async () =>
      Number(/^modelgate_pipeline_events_total\{status="FAILED",duplicate="true"\} (\d+)$/m.exec((await t.request('GET', '/metrics', { key: null })).text)?.[1] ?? 0);
    const countedBefore = await duplicatesCounted();
    const event = makeSfnEvent({ status: 'FAILED' });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await post(event)).body.duplicate);
    expect(answers).toEqual([false, true, true, true, true]);

    const concurrent = makeSfnEvent({ status: 'FAILED' });
    const results = await Promise.all(Array.from({ length: 5 }, () => post(concurrent)));
    expect(results.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
    expect(results.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    expect((await duplicatesCounted()) - countedBefore).toBe(8);

    for (const e of [event, concurrent]) {
      const arn = e.detail.executionArn as string;
      expect(await sql('SELECT 1 FROM pipeline_events WHERE execution_arn = $1', [arn])).toHaveLength(1);
      expect((await outboxOf(arn)).map((r) => r.recipient)).toEqual([TEAM, ONCALL]);
      const name = e.detail.name as string;
      await waitUntil(`two e-mails about ${name}`, async () => (await mailsAbout(name)).length === 2);
    }
  });

  it('treats the same execution, status and redrive count under a new event id as a duplicate', async () => {
    const first = makeSfnEvent({ status: 'SUCCEEDED', execution: 'same-run' });
    const again = { ...first, id: 'another-id-for-the-same-fact' };
    expect((await post(first)).body.duplicate).toBe(false);
    expect((await post(again)).body).toEqual({ accepted: true, duplicate: true, ignored: false });
    expect(await outboxOf(first.detail.executionArn as string)).toHaveLength(1);
  });

  it('keeps SUCCEEDED when RUNNING arrives after it, and notifies nobody for RUNNING', async () => {
    const succeeded = makeSfnEvent({ status: 'SUCCEEDED', execution: 'late-running' });
    const running = makeSfnEvent({ status: 'RUNNING', execution: 'late-running' });
    expect((await post(succeeded)).body.duplicate).toBe(false);
    expect((await post(running)).body).toEqual({ accepted: true, duplicate: false, ignored: false });

    const arn = succeeded.detail.executionArn as string;
    const run = await t.request('GET', `/pipeline-runs/${encodeURIComponent(arn)}`, { key: readerKey });
    expect(run.status).toBe(200);
    expect(run.body).toMatchObject({ execution_arn: arn, status: 'SUCCEEDED', project: 'recsys', events_received: 2 });
    expect(run.body.events.map((e: { status: string }) => e.status)).toEqual(['SUCCEEDED', 'RUNNING']);
    expect(await outboxOf(arn)).toEqual([{ kind: 'email', recipient: TEAM, status: expect.any(String) }]);
  });

  it('notifies again when a redriven execution fails again', async () => {
    const first = makeSfnEvent({ status: 'FAILED', execution: 'redriven' });
    const redriving = makeSfnEvent({ status: 'RUNNING', execution: 'redriven', redriveCount: 1 });
    const second = makeSfnEvent({ status: 'FAILED', execution: 'redriven', redriveCount: 1 });
    for (const e of [first, redriving, second]) expect((await post(e)).body.duplicate).toBe(false);
    expect((await post(second)).body.duplicate).toBe(true);

    const arn = first.detail.executionArn as string;
    await waitUntil('four e-mails about the redriven run', async () => (await mailsAbout('redriven')).length + (await mailsAbout('redriven (redrive 1)')).length >= 4);
    const subjects = (await ses.emails()).filter((m) => m.subject.includes('redriven')).map((m) => m.subject);
    expect(subjects.sort()).toEqual([
      '[recsys] pipeline FAILED — redriven',
      '[recsys] pipeline FAILED — redriven',
      '[recsys] pipeline FAILED — redriven (redrive 1)',
      '[recsys] pipeline FAILED — redriven (redrive 1)',
    ]);
    const run = await t.request('GET', `/pipeline-runs/${encodeURIComponent(arn)}`, { key: readerKey });
    expect(run.body).toMatchObject({ status: 'FAILED', redrive_count: 1 });
    expect(run.body.notifications).toHaveLength(4);
  });

  it('stores executions of unknown state machines without notifying, listed under _unknown', async () => {
    const res = await post(loadEvent('sfn-unknown-project'));
    expect(res.body).toEqual({ accepted: true, duplicate: false, ignored: false });
    const arn = 'arn:aws:states:us-east-1:123456789012:execution:legacy-etl:run-1';
    expect(await outboxOf(arn)).toEqual([]);

    const unknown = await t.request('GET', '/pipeline-runs', { key: readerKey, query: { project: '_unknown' } });
    expect(unknown.status).toBe(200);
    expect(unknown.body.items).toEqual([
      expect.objectContaining({ execution_arn: arn, project: null, status: 'FAILED', error: 'States.Runtime', notifications: [] }),
    ]);
    const recsys = await t.request('GET', '/pipeline-runs', { key: readerKey, query: { project: 'recsys', max_results: '1000' } });
    expect(recsys.body.items.map((r: { execution_arn: string }) => r.execution_arn)).not.toContain(arn);
    expect(recsys.body.items.every((r: { project: string }) => r.project === 'recsys')).toBe(true);
  });

  it('stores events that are not Step Functions status changes as ignored', async () => {
    const event = loadEvent('not-step-functions');
    expect((await post(event)).body).toEqual({ accepted: true, duplicate: false, ignored: true });
    expect((await post(event)).body).toEqual({ accepted: true, duplicate: true, ignored: true });
    const rows = await sql('SELECT ignored, source, execution_arn FROM pipeline_events WHERE event_id = $1', [event.id]);
    expect(rows).toEqual([{ ignored: true, source: 'aws.scheduler', execution_arn: null }]);
  });

  it('notifies Slack channels through SLACK_WEBHOOKS, and e-mail, for a project that names them', async () => {
    const failed = makeSfnEvent({ project: 'churn', status: 'FAILED', execution: 'churn-nightly' });
    const ok = makeSfnEvent({ project: 'churn', status: 'SUCCEEDED', execution: 'churn-daily' });
    await post(failed);
    await post(ok);
    const postedAbout = (channel: string, execution: string) =>
      waitUntil(`a ${channel} post about ${execution}`, async () => slack.delivered(channel).find((p) => JSON.stringify(p.body).includes(execution)));
    const alert = (await postedAbout('ml-alerts', 'churn-nightly')).body;
    expect(alert.text).toBe(':red_circle: [churn] pipeline FAILED — churn-nightly');
    expect(JSON.stringify(alert.blocks)).toContain('churn (config 2.3.1)');
    expect((await postedAbout('ml-pipelines', 'churn-daily')).body.text).toContain('[churn] pipeline SUCCEEDED — churn-daily');
    await waitUntil('two e-mails about churn-nightly', async () => (await mailsAbout('churn-nightly')).length === 2);
    const outbox = await outboxOf(failed.detail.executionArn as string);
    expect(outbox.map((r) => `${r.kind}:${r.recipient}`)).toEqual([`email:${TEAM}`, `email:${ONCALL}`, 'slack:slack:ml-alerts']);
    expect(JSON.stringify(await sql('SELECT payload FROM outbox'))).not.toContain(slack.url);
  });

  describe('refusals (4xx: EventBridge does not retry them)', () => {
    it('answers INVALID_EVENT for a Step Functions event lacking executionArn, stateMachineArn or status', async () => {
      for (const field of ['executionArn', 'stateMachineArn', 'status']) {
        const event = makeSfnEvent();
        delete event.detail[field];
        const body = expectError(await post(event), 400, 'INVALID_EVENT');
        expect(body.details).toEqual([{ field: `detail.${field}`, problems: [expect.any(String)] }]);
        expect(await sql('SELECT 1 FROM pipeline_events WHERE event_id = $1', [event.id])).toEqual([]);
      }
    });

    it('answers INVALID_EVENT, not a 500, for an execution whose name from a long ARN tail would not fit', async () => {
      const event = makeSfnEvent();
      delete event.detail.name;
      event.detail.executionArn = `${event.detail.executionArn}${'x'.repeat(300)}`;
      const body = expectError(await post(event), 400, 'INVALID_EVENT');
      expect(body.details).toEqual([{ field: 'detail.executionArn', problems: [expect.stringContaining('at most 256 characters')] }]);
      expect(await sql('SELECT 1 FROM pipeline_events WHERE event_id = $1', [event.id])).toEqual([]);
    });

    it('answers INVALID_EVENT for a body that is no envelope, and keeps unknown fields of a good one', async () => {
      expectError(await post({ hello: 'world' }), 400, 'INVALID_EVENT');
      expectError(await post([makeSfnEvent()]), 400, 'INVALID_EVENT');
      const extra = { ...makeSfnEvent({ status: 'RUNNING' }), 'replay-name': 'x', unexpected: { nested: true } };
      expect((await post(extra)).status).toBe(202);
      const [row] = await sql('SELECT raw FROM pipeline_events WHERE event_id = $1', [extra.id]);
      expect(row.raw.unexpected).toEqual({ nested: true });
    });

    it('answers INVALID_JSON for malformed JSON', async () => {
      const res = await t.request('POST', '/events/eventbridge', { key: eventsKey, raw: { payload: '{"id": "x",', contentType: 'application/json' } });
      expectError(res, 400, 'INVALID_JSON');
    });

    it('answers 413 PAYLOAD_TOO_LARGE over 256 KiB, and takes an event just under it', async () => {
      const big = makeSfnEvent({ detail: { cause: 'x'.repeat(256 * 1024) } });
      expectError(await post(big), 413, 'PAYLOAD_TOO_LARGE');
      expect(await sql('SELECT 1 FROM pipeline_events WHERE event_id = $1', [big.id])).toEqual([]);
      const fits = makeSfnEvent({ status: 'RUNNING', detail: { cause: 'x'.repeat(250 * 1024) } });
      expect((await post(fits)).status).toBe(202);
    });

    it('stores an event with NUL characters instead of failing (a 5xx would be retried for a day)', async () => {
      const event = makeSfnEvent({ status: 'RUNNING', detail: { cause: 'bad\u0000byte' } });
      expect((await post(event)).status).toBe(202);
      expect(await sql('SELECT cause FROM pipeline_events WHERE event_id = $1', [event.id])).toEqual([{ cause: 'badbyte' }]);
    });

    it('needs the events role to post, accepting the key as X-API-Key, and the reader role to read', async () => {
      expectError(await post(makeSfnEvent(), readerKey), 403, 'FORBIDDEN');
      expectError(await post(makeSfnEvent(), null as unknown as string), 401, 'UNAUTHENTICATED');
      const viaHeader = await t.request('POST', '/events/eventbridge', {
        key: null,
        headers: { 'x-api-key': eventsKey },
        body: makeSfnEvent({ status: 'RUNNING' }),
      });
      expect(viaHeader.status).toBe(202);
      expectError(await t.request('GET', '/pipeline-runs', { key: eventsKey }), 403, 'FORBIDDEN');
    });
  });

  describe('GET /pipeline-runs', () => {
    it('shows one execution with its events and the outcome of each notification', async () => {
      const [failed, redriven] = [asExecution(loadEvent('sfn-failed'), 'shown-run'), asExecution(loadEvent('sfn-failed-redriven'), 'shown-run')];
      for (const event of [failed, redriven]) expect((await post(event)).status).toBe(202);
      const arn = failed.detail.executionArn as string;
      await waitUntil('the four notices of shown-run delivered', async () => (await outboxOf(arn)).filter((r) => r.status === 'delivered').length === 4);
      const res = await t.request('GET', `/pipeline-runs/${encodeURIComponent(arn)}`, { key: readerKey });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        execution_arn: arn,
        execution_name: 'shown-run',
        project: 'recsys',
        project_version: '1.0.0',
        status: 'FAILED',
        redrive_count: 1,
        start_date: '2026-11-23T03:00:00.000Z',
        events_received: 2,
      });
      expect(res.body.notifications).toHaveLength(4);
      expect(res.body.notifications[0]).toMatchObject({
        kind: 'email',
        recipient: expect.any(String),
        status: 'delivered',
        attempts: 1,
        subject: '[recsys] pipeline FAILED — shown-run',
        pipeline_status: 'FAILED',
        delivered_at: expect.any(String),
      });
    });

    it('answers 404 for an execution it never heard of', async () => {
      const res = await t.request('GET', `/pipeline-runs/${encodeURIComponent('arn:aws:states:us-east-1:1:execution:x:y')}`, { key: readerKey });
      expectError(res, 404, 'PIPELINE_RUN_NOT_FOUND');
    });

    it('filters by project and status', async () => {
      for (const [status, execution] of [['TIMED_OUT', 'filtered-timed-out'], ['ABORTED', 'filtered-aborted']]) {
        expect((await post(makeSfnEvent({ project: 'churn', status, execution }))).status).toBe(202);
      }
      const timedOut = await t.request('GET', '/pipeline-runs', { key: readerKey, query: { project: 'churn', status: 'TIMED_OUT' } });
      expect(timedOut.body.items.map((r: { execution_name: string }) => r.execution_name)).toEqual(['filtered-timed-out']);
      expectError(await t.request('GET', '/pipeline-runs', { key: readerKey, query: { status: 'nope' } }), 400, 'VALIDATION_FAILED');
    });

    it('pages by keyset: a run that starts meanwhile neither repeats one nor hides one, and runs without a start come last', async () => {
      const run = (execution: string, startDate: number | null) =>
        makeSfnEvent({ project: 'churn', status: 'RUNNING', execution, detail: { startDate, stopDate: null } });
      const day = (d: number) => Date.UTC(2030, 0, d);
      for (const event of [run('paging-1', day(1)), run('paging-2', day(2)), run('paging-3', day(3)), run('unstarted-a', null), run('unstarted-b', null)]) {
        expect((await post(event)).status).toBe(202);
      }
      const query = { project: 'churn', status: 'RUNNING', max_results: '2' };
      const page = async (token?: string) => {
        const res = await t.request('GET', '/pipeline-runs', { key: readerKey, query: token ? { ...query, page_token: token } : query });
        return { names: res.body.items.map((r: { execution_name: string }) => r.execution_name), next: res.body.next_page_token as string | undefined };
      };
      const first = await page();
      expect(first.names).toEqual(['paging-3', 'paging-2']);
      expect((await post(run('paging-4', day(4)))).status).toBe(202);
      const second = await page(first.next);
      expect(second.names).toEqual(['paging-1', 'unstarted-a']);
      expect(await page(second.next)).toEqual({ names: ['unstarted-b'], next: undefined });
    });
  });
});
