import { SfnReconciler } from '../../src/events/sfn/sfn-reconciler';
import { AwsJsonError } from '../fakes/aws/aws-json-server';
import { StepFunctionsFake, failedRunHistory } from '../fakes/aws/step-functions-fake';
import { SesFake } from '../fakes/ses/ses-fake';
import { SlackSink } from '../fakes/slack/slack-sink';
import { notifyEnv } from '../fixtures/events/app-env';
import { makeSfnEvent } from '../fixtures/events/factories';
import { projectYaml, putProject } from '../helpers/promotions';
import { TestApp, startTestApp } from '../helpers/test-app';
import { withDatabase } from '../helpers/test-database';

const TEAM = 'ml-team@rentcars.com';
const ONCALL = 'oncall@rentcars.com';
const MINUTE = 60_000;

describe('Step Functions reconciler', () => {
  let ses: SesFake;
  let slack: SlackSink;
  let sfn: StepFunctionsFake;
  let t: TestApp;
  let eventsKey: string;
  let reconciler: SfnReconciler;

  const ago = (ms: number) => new Date(Date.now() - ms);
  const sql = <T = any>(text: string, params: unknown[] = []) => withDatabase(t.databaseUrl, async (db) => (await db.query(text, params)).rows as T[]);
  const mailsAbout = async (execution: string) => (await ses.emails()).filter((m) => m.subject.endsWith(`— ${execution}`));
  const described = () => sfn.callsOf('DescribeExecution').map((c) => String(c.body.executionArn).split(':').pop());

  beforeAll(async () => {
    ses = await SesFake.start();
    slack = await SlackSink.start();
    sfn = await StepFunctionsFake.start();
    t = await startTestApp({ env: notifyEnv(ses, slack, { AWS_ENDPOINT_URL_SFN: sfn.endpoint, RECONCILE_INTERVAL_S: '3600' }) });
    eventsKey = await t.createKey('eventbridge', ['events']);
    reconciler = t.app.get(SfnReconciler);
    sfn.addStateMachine('churn-workflow');
  });
  afterAll(async () => {
    await t?.close();
    await sfn?.close();
    await slack?.close();
    await ses?.close();
  });

  it('notifies once an execution no event announced, and not again when its event arrives late', async () => {
    sfn.addExecution('recsys-workflow', {
      name: 'missed-1',
      status: 'FAILED',
      startDate: ago(10 * MINUTE),
      stopDate: ago(2 * MINUTE),
      error: 'States.TaskFailed',
      cause: '{"StoppedReason": "Essential container in task exited"}',
      history: failedRunHistory(),
    });
    sfn.addExecution('recsys-workflow', { name: 'announced-1', status: 'SUCCEEDED', startDate: ago(9 * MINUTE), stopDate: ago(3 * MINUTE) });
    sfn.addExecution('recsys-workflow', { name: 'still-running', status: 'RUNNING', startDate: ago(20 * MINUTE) });
    sfn.addExecution('recsys-workflow', { name: 'long-ago', status: 'FAILED', startDate: ago(200 * MINUTE), stopDate: ago(180 * MINUTE) });
    const announced = makeSfnEvent({ status: 'SUCCEEDED', execution: 'announced-1' });
    expect((await t.request('POST', '/events/eventbridge', { key: eventsKey, body: announced })).status).toBe(202);

    const roundStart = Date.now();
    expect(await reconciler.runOnce()).toEqual({ skipped: false, stateMachines: 2, ingested: 1, failed: [] });
    expect(described()).toEqual(['missed-1']);

    await ses.waitFor((mails) => mails.filter((m) => m.subject.endsWith('— missed-1')).length === 2);
    const [mail] = await mailsAbout('missed-1');
    expect(mail.subject).toBe('[recsys] pipeline FAILED — missed-1');
    expect(mail.body.text).toContain('Failed step:    Score Model');
    const events = await sql('SELECT origin, status, project FROM pipeline_events WHERE execution_name = $1', ['missed-1']);
    expect(events).toEqual([{ origin: 'reconciler', status: 'FAILED', project: 'recsys' }]);

    expect(await reconciler.runOnce()).toMatchObject({ ingested: 0, failed: [] });
    expect(described()).toEqual(['missed-1']);

    const late = makeSfnEvent({ status: 'FAILED', execution: 'missed-1' });
    const res = await t.request('POST', '/events/eventbridge', { key: eventsKey, body: late });
    expect(res.body).toEqual({ accepted: true, duplicate: true, ignored: false });
    const rows = await sql('SELECT recipient FROM outbox WHERE execution_arn = $1 ORDER BY recipient', [late.detail.executionArn]);
    expect(rows).toEqual([{ recipient: TEAM }, { recipient: ONCALL }]);
    await new Promise((r) => setTimeout(r, 200));
    expect((await mailsAbout('missed-1')).map((m) => m.destination.to[0]).sort()).toEqual([TEAM, ONCALL]);
    expect(await mailsAbout('long-ago')).toEqual([]);

    const [check] = await sql('SELECT list_from, checked_through, last_error FROM state_machine_checks WHERE project = $1', ['recsys']);
    expect(Math.abs(check.list_from.getTime() - (roundStart - 20 * MINUTE))).toBeLessThan(5000);
    expect(check.checked_through.getTime()).toBeGreaterThanOrEqual(roundStart);
    expect(check.last_error).toBeNull();
  });

  it('finds an execution that was running at the last check once it has ended', async () => {
    Object.assign(sfn.executions.get(StepFunctionsFake.executionArn('recsys-workflow', 'still-running'))!, {
      status: 'SUCCEEDED',
      stopDate: new Date(),
      output: '{"scored_rows": 42}',
    });
    expect(await reconciler.runOnce()).toMatchObject({ ingested: 1, failed: [] });
    await ses.waitFor((mails) => mails.some((m) => m.subject === '[recsys] pipeline SUCCEEDED — still-running'));
  });

  it('pages through ListExecutions', async () => {
    await putProject(t, 'batchy', projectYaml('batchy', 'batchy-model'));
    for (let i = 0; i < 130; i++) {
      sfn.addExecution('batchy-workflow', { name: `b-${i}`, status: 'SUCCEEDED', startDate: ago(40 * MINUTE - i * 1000), stopDate: ago(MINUTE) });
    }
    expect(await reconciler.runOnce()).toMatchObject({ ingested: 130, failed: [] });
    const pages = sfn.callsOf('ListExecutions').filter((c) => c.body.stateMachineArn === StepFunctionsFake.stateMachineArn('batchy-workflow'));
    expect(pages.map((c) => c.body.nextToken !== undefined)).toEqual([false, true]);
    const [{ count }] = await sql(`SELECT count(*)::int AS count FROM pipeline_events WHERE project = 'batchy' AND origin = 'reconciler'`);
    expect(count).toBe(130);
  });

  it('retries a throttled state machine on the next round: logged, counted, window kept', async () => {
    const [before] = await sql('SELECT checked_through FROM state_machine_checks WHERE project = $1', ['recsys']);
    sfn.failAlways({ error: new AwsJsonError('ThrottlingException', 'Rate exceeded') }, 'ListExecutions');
    sfn.addExecution('recsys-workflow', { name: 'missed-2', status: 'ABORTED', startDate: new Date(), stopDate: new Date() });
    const report = await reconciler.runOnce();
    expect(report.failed).toContain(StepFunctionsFake.stateMachineArn('recsys-workflow'));
    expect(report.ingested).toBe(0);
    const [failed] = await sql('SELECT checked_through, last_error FROM state_machine_checks WHERE project = $1', ['recsys']);
    expect(failed.checked_through).toEqual(before.checked_through);
    expect(failed.last_error).toContain('ThrottlingException');
    const metrics = (await t.request('GET', '/metrics', { key: null })).text;
    expect(metrics).toMatch(/^modelgate_sfn_requests_total\{endpoint="ListExecutions",outcome="throttled"\} [1-9]/m);
    expect(metrics).toMatch(/^modelgate_sfn_reconcile_rounds_total\{outcome="partial"\} [1-9]/m);

    sfn.heal();
    expect(await reconciler.runOnce()).toMatchObject({ ingested: 1, failed: [] });
    await ses.waitFor((mails) => mails.some((m) => m.subject === '[recsys] pipeline ABORTED — missed-2'));
    expect((await sql('SELECT last_error FROM state_machine_checks WHERE project = $1', ['recsys']))[0].last_error).toBeNull();
  });

  it('runs on one replica at a time: a round finding the lock taken does nothing', async () => {
    await withDatabase(t.databaseUrl, async (db) => {
      await db.query(`SELECT pg_advisory_lock(hashtextextended('sfn-reconcile', 0))`);
      const calls = sfn.calls.length;
      expect(await reconciler.runOnce()).toEqual({ skipped: true, stateMachines: 0, ingested: 0, failed: [] });
      expect(sfn.calls.length).toBe(calls);
    });
  });
});
