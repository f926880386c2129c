import { SesFake } from '../fakes/ses/ses-fake';
import { SlackSink } from '../fakes/slack/slack-sink';
import { notifyEnv } from '../fixtures/events/app-env';
import { SfnEvent, makeSfnEvent } from '../fixtures/events/factories';
import { TestApp, startTestApp } from '../helpers/test-app';
import { outboxRowsOf, settledOutboxRows } from '../helpers/outbox-rows';
import { faultScenario } from './support/fault-summary';

const TEAM = 'ml-team@rentcars.com';
const ONCALL = 'oncall@rentcars.com';

describe('fault injection: duplicated and reordered events, failing SES and Slack', () => {
  let ses: SesFake;
  let slack: SlackSink;
  let t: TestApp;
  let eventsKey: string;
  let readerKey: string;

  const post = (event: SfnEvent) => t.request('POST', '/events/eventbridge', { key: eventsKey, body: event });
  const arnOf = (event: SfnEvent) => event.detail.executionArn as string;
  /** E-mails SES stored and Slack posts accepted about one execution, by recipient. */
  const deliveredAbout = async (name: string) => {
    const mails = (await ses.emails()).filter((m) => m.subject.endsWith(`— ${name}`) || m.subject.includes(`— ${name} (redrive`));
    const posts = slack.delivered().filter((p) => JSON.stringify(p.body).includes(name));
    return {
      email: (to: string) => mails.filter((m) => m.destination.to.includes(to)).length,
      slack: (channel: string) => posts.filter((p) => p.channel === channel).length,
      total: mails.length + posts.length,
      /** Distinct messages received (recipient and subject, or channel and text): a message sent twice counts once. */
      distinct: new Set([...mails.map((m) => `${m.destination.to.join(',')}|${m.subject}`), ...posts.map((p) => `${p.channel}|${JSON.stringify(p.body)}`)]).size,
    };
  };

  beforeAll(async () => {
    ses = await SesFake.start();
    slack = await SlackSink.start();
    t = await startTestApp({ env: notifyEnv(ses, slack, { NOTIFY_MAX_ATTEMPTS: '3' }) });
    eventsKey = await t.createKey('fault-eventbridge', ['events']);
    readerKey = await t.createKey('fault-reader', ['reader']);
  });
  afterAll(async () => {
    await t?.close();
    await slack?.close();
    await ses?.close();
  });

  faultScenario('2', 'Same EventBridge event 5×, and out of order', async (counts) => {
    // The same FAILED event five times in a row, then five times at once.
    const failed = makeSfnEvent({ project: 'churn', status: 'FAILED', execution: 'dup-run' });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await post(failed));
    answers.push(...(await Promise.all(Array.from({ length: 5 }, () => post(failed)))));
    // A run whose RUNNING event arrives after its SUCCEEDED one.
    const succeeded = makeSfnEvent({ project: 'churn', status: 'SUCCEEDED', execution: 'late-running' });
    const running = makeSfnEvent({ project: 'churn', status: 'RUNNING', execution: 'late-running' });
    answers.push(await post(succeeded), await post(running));
    // A redriven run whose second failure arrives first, each failure twice, the second copy under a new event id.
    const firstFailure = makeSfnEvent({ project: 'churn', status: 'FAILED', execution: 'redriven', redriveCount: 0 });
    const secondFailure = makeSfnEvent({ project: 'churn', status: 'FAILED', execution: 'redriven', redriveCount: 1 });
    answers.push(...(await Promise.all([post(secondFailure), post(firstFailure), post({ ...secondFailure, id: 'copy-1' }), post({ ...firstFailure, id: 'copy-0' })])));

    expect(answers.every((a) => a.status === 202)).toBe(true);
    const fresh = answers.filter((a) => a.body.duplicate === false).length;
    expect(fresh).toBe(1 + 2 + 2);

    const dupRows = await settledOutboxRows(t, arnOf(failed));
    const late = await settledOutboxRows(t, arnOf(succeeded));
    const redriven = await settledOutboxRows(t, arnOf(firstFailure));
    expect((await outboxRowsOf(t, arnOf(failed))).map((r) => [r.recipient, r.status, r.attempts])).toEqual([
      [TEAM, 'delivered', 1],
      [ONCALL, 'delivered', 1],
      ['slack:ml-alerts', 'delivered', 1],
    ]);
    expect(late.map((r) => r.recipient)).toEqual([TEAM, 'slack:ml-pipelines']);
    expect(redriven).toHaveLength(6);
    expect(redriven.every((r) => r.status === 'delivered' && r.attempts === 1)).toBe(true);

    const [d1, d2, d3] = [await deliveredAbout('dup-run'), await deliveredAbout('late-running'), await deliveredAbout('redriven')];
    expect([d1.email(TEAM), d1.email(ONCALL), d1.slack('ml-alerts')]).toEqual([1, 1, 1]);
    expect([d2.email(TEAM), d2.slack('ml-pipelines'), d2.email(ONCALL)]).toEqual([1, 1, 0]);
    expect([d3.email(TEAM), d3.email(ONCALL), d3.slack('ml-alerts')]).toEqual([2, 2, 2]); // one per failure (redrive 0 and 1)
    const run = await t.request('GET', `/pipeline-runs/${encodeURIComponent(arnOf(succeeded))}`, { key: readerKey });
    expect(run.body).toMatchObject({ status: 'SUCCEEDED' });
    const redrivenRun = await t.request('GET', `/pipeline-runs/${encodeURIComponent(arnOf(firstFailure))}`, { key: readerKey });
    expect(redrivenRun.body).toMatchObject({ status: 'FAILED', redrive_count: 1 });
    const outboxRows = dupRows.length + late.length + redriven.length;
    const sent = d1.total + d2.total + d3.total;
    const distinct = d1.distinct + d2.distinct + d3.distinct;
    expect(sent).toBe(outboxRows);
    expect(distinct).toBe(outboxRows);

    Object.assign(counts, {
      posts: answers.length,
      accepted: fresh,
      duplicates: answers.length - fresh,
      outbox_rows: outboxRows,
      sent,
      lost: outboxRows - distinct,
    });
  }, 30_000);

  faultScenario('6', 'SES throttling, Slack 429 with Retry-After, Slack 500', async (counts) => {
    slack.reset();
    const refusedBefore = ses.refusals.length;
    ses.failNext(2, { status: 400, code: 'Throttling', message: 'Maximum sending rate exceeded.' });
    slack.failNext(1, { status: 429, retryAfter: '1', body: 'rate_limited' });
    const throttled = makeSfnEvent({ project: 'churn', status: 'FAILED', execution: 'throttled' });
    expect((await post(throttled)).status).toBe(202);
    const rows = await settledOutboxRows(t, arnOf(throttled));
    expect(rows.map((r) => [r.recipient, r.status, r.attempts, r.last_error])).toEqual([
      [TEAM, 'delivered', 2, null],
      [ONCALL, 'delivered', 2, null],
      ['slack:ml-alerts', 'delivered', 2, null],
    ]);
    const [rateLimited, accepted] = slack.posts;
    expect([rateLimited.status, accepted.status]).toEqual([429, 200]);
    expect(accepted.at - rateLimited.at).toBeGreaterThanOrEqual(950);
    const throttledSent = await deliveredAbout('throttled');
    expect([throttledSent.email(TEAM), throttledSent.email(ONCALL), throttledSent.slack('ml-alerts')]).toEqual([1, 1, 1]);

    slack.failAlways({ status: 500, body: 'internal_error' });
    const slackDown = makeSfnEvent({ project: 'churn', status: 'FAILED', execution: 'slack-down' });
    expect((await post(slackDown)).status).toBe(202);
    const downRows = await settledOutboxRows(t, arnOf(slackDown));
    const dead = downRows.find((r) => r.kind === 'slack')!;
    expect(dead).toMatchObject({ status: 'dead', attempts: 3, last_error: expect.stringContaining('HTTP 500') });
    expect(downRows.filter((r) => r.kind === 'email').map((r) => r.status)).toEqual(['delivered', 'delivered']);
    const slackAttempts = slack.posts.filter((p) => JSON.stringify(p.body).includes('slack-down')).length;
    expect(slackAttempts).toBe(3);

    const listedDead = await t.request('GET', '/notifications', { key: readerKey, query: { status: 'dead' } });
    expect(listedDead.body.items.map((n: { id: string }) => n.id)).toEqual([dead.id]);
    const listedDelivered = await t.request('GET', '/notifications', { key: readerKey, query: { status: 'delivered', max_results: '100' } });
    const deliveredIds = new Set(listedDelivered.body.items.map((n: { id: string }) => n.id));
    for (const r of [...rows, ...downRows.filter((x) => x.kind === 'email')]) expect(deliveredIds).toContain(r.id);

    const settledRows = [...rows, ...downRows];
    Object.assign(counts, {
      ses_throttled: ses.refusals.slice(refusedBefore).filter((code) => code === 'Throttling').length,
      slack_429: slack.posts.filter((p) => p.status === 429).length,
      slack_500: slack.posts.filter((p) => p.status === 500).length,
      delivered: settledRows.filter((r) => r.status === 'delivered').length,
      dead: settledRows.filter((r) => r.status === 'dead').length,
      retry_after_ms: accepted.at - rateLimited.at,
    });
  }, 30_000);
});
