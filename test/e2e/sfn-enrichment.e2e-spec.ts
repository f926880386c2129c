import { StepFunctionsFake, failedRunHistory } from '../fakes/aws/step-functions-fake';
import { SesFake } from '../fakes/ses/ses-fake';
import { SlackSink } from '../fakes/slack/slack-sink';
import { notifyEnv } from '../fixtures/events/app-env';
import { loadEvent, makeSfnEvent } from '../fixtures/events/factories';
import { TestApp, startTestApp } from '../helpers/test-app';

const TEAM = 'ml-team@rentcars.com';
const FIXTURE_EXECUTION = 'sched-recsys-20261123T030000';

describe('Step Functions enrichment of failure notifications', () => {
  let ses: SesFake;
  let slack: SlackSink;
  let sfn: StepFunctionsFake;
  let t: TestApp;
  let eventsKey: string;

  const post = (body: unknown) => t.request('POST', '/events/eventbridge', { key: eventsKey, body });
  const mailAbout = async (execution: string) =>
    (await ses.waitFor((mails) => mails.some((m) => m.destination.to.includes(TEAM) && m.subject.endsWith(`— ${execution}`)))).find(
      (m) => m.destination.to.includes(TEAM) && m.subject.endsWith(`— ${execution}`),
    )!;
  const failedRun = (project: string, execution: string) =>
    sfn.addExecution(`${project}-workflow`, {
      name: execution,
      status: 'FAILED',
      startDate: new Date(1795402800000),
      stopDate: new Date(1795403412000),
      error: 'States.TaskFailed',
      history: failedRunHistory(),
    });

  beforeAll(async () => {
    ses = await SesFake.start();
    slack = await SlackSink.start();
    sfn = await StepFunctionsFake.start();
    t = await startTestApp({ env: notifyEnv(ses, slack, { AWS_ENDPOINT_URL_SFN: sfn.endpoint, RECONCILE_INTERVAL_S: '3600' }) });
    eventsKey = await t.createKey('eventbridge', ['events']);
  });
  afterAll(async () => {
    await t?.close();
    await sfn?.close();
    await slack?.close();
    await ses?.close();
  });

  it('names "Score Model" from the execution history in the failure e-mail', async () => {
    failedRun('recsys', FIXTURE_EXECUTION);
    expect((await post(loadEvent('sfn-failed'))).status).toBe(202);

    const mail = await mailAbout(FIXTURE_EXECUTION);
    expect(mail.body.text).toContain('Failed step:    Score Model');
    expect(mail.body.text).toContain('Step error:     States.TaskFailed');
    expect(mail.body.text).toContain('"StoppedReason": "Essential container in task exited"');
    expect(mail.body.html).toContain('<strong>Score Model</strong>');

    const [call] = sfn.callsOf('GetExecutionHistory');
    expect(call.body).toMatchObject({ executionArn: `arn:aws:states:us-east-1:123456789012:execution:recsys-workflow:${FIXTURE_EXECUTION}`, reverseOrder: true });
    expect(call.body.maxResults).toBeLessThanOrEqual(25);

    const run = await t.request('GET', '/pipeline-runs', { query: { project: 'recsys', status: 'FAILED' } });
    expect(run.body.items.find((r: { execution_name: string }) => r.execution_name === FIXTURE_EXECUTION)).toMatchObject({ failed_step: 'Score Model' });
  });

  it('names the failing step in the Slack message too, and leaves successful runs alone', async () => {
    failedRun('churn', 'churn-failed-1');
    const before = sfn.callsOf('GetExecutionHistory').length;
    await post(makeSfnEvent({ project: 'churn', status: 'FAILED', execution: 'churn-failed-1' }));
    await slack.waitForDelivered(1, { channel: 'ml-alerts' });
    const detail = JSON.stringify(slack.delivered('ml-alerts')[0].body.blocks);
    expect(detail).toContain('*Failed step:* Score Model — `States.TaskFailed`');

    await post(makeSfnEvent({ project: 'churn', status: 'SUCCEEDED', execution: 'churn-ok-1' }));
    await slack.waitForDelivered(1, { channel: 'ml-pipelines' });
    expect(sfn.callsOf('GetExecutionHistory').length - before).toBe(1);
  });

  it('answers at once when Step Functions does not answer, sends without the failing step once 3 s passed, then stops asking for a while', async () => {
    sfn.failAlways('hang', 'GetExecutionHistory');
    failedRun('recsys', 'sfn-hangs');
    const started = Date.now();
    const res = await post(makeSfnEvent({ status: 'FAILED', execution: 'sfn-hangs' }));
    expect(res.status).toBe(202);
    expect(Date.now() - started).toBeLessThan(1000);

    const mail = await mailAbout('sfn-hangs');
    // Held for the lookup's bound, then sent at once without the step (not when the hold ends, 5 s after the commit).
    const sentAfter = Date.now() - started;
    expect(sentAfter).toBeGreaterThanOrEqual(2900);
    expect(sentAfter).toBeLessThan(4500);
    expect(mail.body.text).not.toContain('Failed step');
    const run = await t.request('GET', '/pipeline-runs', { query: { project: 'recsys', status: 'FAILED' } });
    expect(run.body.items.find((r: { execution_name: string }) => r.execution_name === 'sfn-hangs')).toMatchObject({ failed_step: null });
    expect(mail.body.text).toContain('Error:          States.TaskFailed');

    const asked = sfn.callsOf('GetExecutionHistory').length;
    const again = Date.now();
    await post(makeSfnEvent({ status: 'TIMED_OUT', execution: 'sfn-still-down' }));
    expect(Date.now() - again).toBeLessThan(1000);
    await mailAbout('sfn-still-down');
    expect(sfn.callsOf('GetExecutionHistory').length).toBe(asked);
  });
});

describe('Step Functions enrichment under a burst of failures', () => {
  let ses: SesFake;
  let slack: SlackSink;
  let sfn: StepFunctionsFake;
  let t: TestApp;

  beforeAll(async () => {
    ses = await SesFake.start();
    slack = await SlackSink.start();
    sfn = await StepFunctionsFake.start();
    t = await startTestApp({ env: notifyEnv(ses, slack, { AWS_ENDPOINT_URL_SFN: sfn.endpoint, RECONCILE_INTERVAL_S: '3600' }) });
  });
  afterAll(async () => {
    await t?.close();
    await sfn?.close();
    await slack?.close();
    await ses?.close();
  });

  it('asks Step Functions a few executions at a time, and sends every notification within the bound', async () => {
    sfn.failAlways('hang', 'GetExecutionHistory');
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => t.request('POST', '/events/eventbridge', { body: makeSfnEvent({ project: 'recsys', status: 'FAILED', execution: `burst-${i}` }) })),
    );
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 202));
    const mails = await ses.waitFor((all) => all.filter((m) => m.subject.includes('— burst-') && m.destination.to.includes(TEAM)).length === 10);
    expect(Date.now() - started).toBeLessThan(4500);
    expect(mails.filter((m) => m.subject.includes('— burst-')).every((m) => !String(m.body.text).includes('Failed step'))).toBe(true);
    // 4 asked at once, then no answer within the bound: the others were not asked, and the finder pauses.
    expect(sfn.callsOf('GetExecutionHistory')).toHaveLength(4);
  });
});
