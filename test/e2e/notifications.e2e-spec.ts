import { SesFake } from '../fakes/ses/ses-fake';
import { SlackSink } from '../fakes/slack/slack-sink';
import { notifyEnv } from '../fixtures/events/app-env';
import { makeSfnEvent } from '../fixtures/events/factories';
import { TestApp, expectError, startTestApp } from '../helpers/test-app';
import { settledOutboxRows } from '../helpers/outbox-rows';
import { withDatabase } from '../helpers/test-database';

const TEAM = 'ml-team@rentcars.com';

describe('notification delivery through the outbox', () => {
  let ses: SesFake;
  let slack: SlackSink;
  let t: TestApp;
  let readerKey: string;
  let eventsKey: string;

  const post = (app: TestApp, body: unknown, key = eventsKey) => app.request('POST', '/events/eventbridge', { key, body });
  const churnRun = (status: string, execution: string) => makeSfnEvent({ project: 'churn', status, execution });
  const arnOf = (event: ReturnType<typeof makeSfnEvent>) => event.detail.executionArn as string;

  beforeAll(async () => {
    ses = await SesFake.start();
    slack = await SlackSink.start();
    t = await startTestApp({ env: notifyEnv(ses, slack, { NOTIFY_MAX_ATTEMPTS: '3' }) });
    readerKey = await t.createKey('reader', ['reader']);
    eventsKey = await t.createKey('eventbridge', ['events']);
  });
  afterAll(async () => {
    await t?.close();
    await slack?.close();
    await ses?.close();
  });
  beforeEach(() => slack.reset());

  it('waits as long as Slack says in Retry-After after a 429, then delivers', async () => {
    slack.failNext(1, { status: 429, retryAfter: '1', body: 'rate_limited' });
    const event = churnRun('SUCCEEDED', 'rate-limited');
    expect((await post(t, event)).status).toBe(202);
    const [slackRow] = (await settledOutboxRows(t, arnOf(event))).filter((r) => r.kind === 'slack');
    expect(slackRow).toMatchObject({ status: 'delivered', attempts: 2, last_error: null });
    expect(slack.posts.map((p) => p.status)).toEqual([429, 200]);
    expect(slack.posts[1].at - slack.posts[0].at).toBeGreaterThanOrEqual(950);
  });

  it('retries Slack 5xx with backoff and gives up after NOTIFY_MAX_ATTEMPTS; an admin can replay it', async () => {
    slack.failAlways({ status: 500, body: 'internal_error' });
    const event = churnRun('SUCCEEDED', 'slack-down');
    await post(t, event);
    const [dead] = (await settledOutboxRows(t, arnOf(event))).filter((r) => r.kind === 'slack');
    expect(dead).toMatchObject({
      status: 'dead',
      attempts: 3,
      last_error: 'Slack answered HTTP 500: internal_error (gave up after 3 attempts)',
    });
    expect(slack.posts).toHaveLength(3);
    const metrics = (await t.request('GET', '/metrics', { key: null })).text;
    expect(metrics).toMatch(/^modelgate_notifications_total\{channel="slack",outcome="retry"\} [1-9]/m);
    expect(metrics).toMatch(/^modelgate_notifications_total\{channel="slack",outcome="dead"\} [1-9]/m);

    const listed = await t.request('GET', '/notifications', { key: readerKey, query: { status: 'dead', kind: 'slack' } });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((n: { id: string }) => n.id)).toContain(dead.id);
    expect(listed.body.items.find((n: { id: string }) => n.id === dead.id)).toMatchObject({
      recipient: 'slack:ml-pipelines',
      status: 'dead',
      attempts: 3,
      subject: '[churn] pipeline SUCCEEDED — slack-down',
      execution_arn: arnOf(event),
    });

    expectError(await t.request('POST', `/notifications/${dead.id}/retry`, { key: readerKey }), 403, 'FORBIDDEN');
    slack.reset();
    const retried = await t.request('POST', `/notifications/${dead.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: dead.id, status: 'pending', attempts: 0 });
    const [again] = (await settledOutboxRows(t, arnOf(event))).filter((r) => r.kind === 'slack');
    expect(again).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(slack.delivered('ml-pipelines')).toHaveLength(1);

    expectError(await t.request('POST', `/notifications/${dead.id}/retry`), 409, 'NOTIFICATION_NOT_DEAD');
    expectError(await t.request('POST', '/notifications/00000000-0000-4000-8000-000000000000/retry'), 404, 'NOTIFICATION_NOT_FOUND');
    expectError(await t.request('POST', '/notifications/not-a-uuid/retry'), 400, 'VALIDATION_FAILED');
  });

  it('gives up at once on a Slack 4xx such as invalid_token', async () => {
    slack.failAlways({ status: 403, body: 'invalid_token' });
    const event = churnRun('SUCCEEDED', 'slack-revoked');
    await post(t, event);
    const [slackRow] = (await settledOutboxRows(t, arnOf(event))).filter((r) => r.kind === 'slack');
    expect(slackRow).toMatchObject({ status: 'dead', attempts: 1, last_error: 'Slack answered HTTP 403: invalid_token' });
    expect(slack.posts).toHaveLength(1);
  });

  it('retries SES throttling and delivers', async () => {
    ses.failNext(1, { status: 400, code: 'Throttling', message: 'Maximum sending rate exceeded.' });
    const event = makeSfnEvent({ status: 'SUCCEEDED', execution: 'ses-throttled' });
    await post(t, event);
    expect(await settledOutboxRows(t, arnOf(event))).toEqual([
      expect.objectContaining({ kind: 'email', recipient: TEAM, status: 'delivered', attempts: 2, last_error: null }),
    ]);
    const mails = (await ses.emailsTo(TEAM)).filter((m) => m.subject.endsWith('— ses-throttled'));
    expect(mails).toHaveLength(1);
    expect(mails[0].body.text).toContain('Status:         SUCCEEDED');
  });

  it('gives up at once when SES rejects the message', async () => {
    ses.failNext(1, { status: 400, code: 'MessageRejected', message: 'Email address is not verified.' });
    const event = makeSfnEvent({ status: 'SUCCEEDED', execution: 'ses-rejected' });
    await post(t, event);
    expect(await settledOutboxRows(t, arnOf(event))).toEqual([
      expect.objectContaining({
        status: 'dead',
        attempts: 1,
        last_error: 'SES MessageRejected (HTTP 400): Email address is not verified.',
      }),
    ]);
  });

  it('pages the delivery log newest first', async () => {
    const [older, newer] = [makeSfnEvent({ status: 'FAILED', execution: 'paged-log-1' }), makeSfnEvent({ status: 'FAILED', execution: 'paged-log-2' })];
    for (const event of [older, newer]) expect((await post(t, event)).status).toBe(202); // two e-mails each
    const first = await t.request('GET', '/notifications', { key: readerKey, query: { max_results: '2' } });
    const second = await t.request('GET', '/notifications', {
      key: readerKey,
      query: { max_results: '2', page_token: first.body.next_page_token },
    });
    const arns = (page: { body: { items: { execution_arn: string }[] } }) => page.body.items.map((n) => n.execution_arn);
    expect(arns(first)).toEqual([arnOf(newer), arnOf(newer)]);
    expect(arns(second)).toEqual([arnOf(older), arnOf(older)]);
    const ids = [...first.body.items, ...second.body.items].map((n: { id: string }) => n.id);
    expect(new Set(ids).size).toBe(4);
    expect(new Date(first.body.items[0].created_at) >= new Date(second.body.items[1].created_at)).toBe(true);
    expectError(await t.request('GET', '/notifications', { key: readerKey, query: { status: 'lost' } }), 400, 'VALIDATION_FAILED');
    expectError(await t.request('GET', '/notifications', { key: readerKey, query: { page_token: 'garbage' } }), 400, 'VALIDATION_FAILED');
  });

  it('delivers each notification once with two app instances draining one outbox', async () => {
    // Same database and admin key: the second instance is another replica of the first.
    const second = await startTestApp({
      databaseUrl: t.databaseUrl,
      env: notifyEnv(ses, slack, { NOTIFY_MAX_ATTEMPTS: '3', ADMIN_API_KEY: t.adminKey }),
    });
    ses.latencyMs = 15; // sends overlap, so both workers hold leased batches at the same time
    try {
      const events = Array.from({ length: 40 }, (_, i) => makeSfnEvent({ status: 'FAILED', execution: `twin-${i}` }));
      const answers = await Promise.all(events.map((e, i) => post(i % 2 ? second : t, e)));
      expect(answers.map((a) => a.status)).toEqual(events.map(() => 202));
      for (const e of events) await settledOutboxRows(t, arnOf(e), 20_000);

      const mails = (await ses.emails()).filter((m) => m.subject.includes('— twin-'));
      const perRecipient = new Map<string, number>();
      for (const m of mails) {
        const key = `${m.destination.to.join(',')} ${m.subject}`;
        perRecipient.set(key, (perRecipient.get(key) ?? 0) + 1);
      }
      expect(perRecipient.size).toBe(80);
      expect([...perRecipient.values()].every((n) => n === 1)).toBe(true);
      const rows = await withDatabase(t.databaseUrl, async (db) =>
        (await db.query(`SELECT status, attempts, count(*)::int AS n FROM outbox WHERE execution_arn LIKE '%:twin-%' GROUP BY 1, 2`)).rows,
      );
      expect(rows).toEqual([{ status: 'delivered', attempts: 1, n: 80 }]);
    } finally {
      ses.latencyMs = 0;
      await second.close();
    }
  });

  describe('misconfigured: no NOTIFY_FROM, a Slack channel missing from SLACK_WEBHOOKS', () => {
    let bad: TestApp;
    beforeAll(async () => {
      bad = await startTestApp({
        env: notifyEnv(ses, slack, {
          NOTIFY_FROM: undefined,
          SLACK_WEBHOOKS: JSON.stringify({ 'ml-alerts': slack.webhookUrl('ml-alerts') }),
        }),
      });
    });
    afterAll(() => bad?.close());

    it('ends e-mails and unknown channels dead with a clear reason, and still delivers the rest', async () => {
      const failed = churnRun('FAILED', 'no-sender');
      const ok = churnRun('SUCCEEDED', 'no-webhook');
      expect((await post(bad, failed, bad.adminKey)).status).toBe(202);
      expect((await post(bad, ok, bad.adminKey)).status).toBe(202);
      const failedRows = await settledOutboxRows(bad, arnOf(failed));
      expect(failedRows.map((r) => [r.kind, r.status, r.last_error])).toEqual([
        ['email', 'dead', 'NOTIFY_FROM is not set: modelgate has no sender address for e-mail notifications'],
        ['email', 'dead', 'NOTIFY_FROM is not set: modelgate has no sender address for e-mail notifications'],
        ['slack', 'delivered', null],
      ]);
      const okRows = await settledOutboxRows(bad, arnOf(ok));
      expect(okRows.find((r) => r.kind === 'slack')).toMatchObject({
        status: 'dead',
        attempts: 1,
        last_error: 'SLACK_WEBHOOKS has no webhook for "ml-pipelines"',
      });
      expect(slack.delivered('ml-alerts')).toHaveLength(1);
    });

    it('stays ready, with a warning', async () => {
      const ready = await bad.request('GET', '/health/ready', { key: null });
      expect(ready.status).toBe(200);
      expect(ready.body.details.notifications).toEqual({ status: 'up', warning: expect.stringContaining('NOTIFY_FROM is not set') });
      const fine = await t.request('GET', '/health/ready', { key: null });
      expect(fine.body.details.notifications).toEqual({ status: 'up' });
    });
  });
});
