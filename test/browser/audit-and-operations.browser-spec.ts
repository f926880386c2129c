import { readFileSync } from 'node:fs';
import { StepFunctionsFake, failedRunHistory } from '../fakes/aws/step-functions-fake';
import { FakeMlflow } from '../fakes/mlflow';
import { SlackSink } from '../fakes/slack/slack-sink';
import { makeSfnEvent } from '../fixtures/events/factories';
import { promote, projectYaml, putProject } from '../helpers/promotions';
import { withDatabase } from '../helpers/test-database';
import { ConsoleWorld } from './support/console-world';

const EXECUTION = 'sched-recsys-20261123T030000';

describe('audit, deploy decisions and pipelines in the console', () => {
  let mlflow: FakeMlflow;
  let slack: SlackSink;
  let sfn: StepFunctionsFake;
  let w: ConsoleWorld;

  /** Runs `statements` with the append-only trigger off, as someone with SQL access could. */
  const tamper = (...statements: string[]) =>
    withDatabase(w.t.databaseUrl, async (db) => {
      await db.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only');
      try {
        for (const s of statements) await db.query(s);
      } finally {
        await db.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only');
      }
    });

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    mlflow.seed.modelVersion({ name: 'recsys', run: { metrics: { roc_auc: 0.87 } } });
    slack = await SlackSink.start();
    sfn = await StepFunctionsFake.start();
    w = await ConsoleWorld.start(mlflow, {
      SLACK_WEBHOOKS: JSON.stringify({ 'ml-alerts': slack.webhookUrl('ml-alerts') }),
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_SFN: sfn.endpoint,
      NOTIFY_MAX_ATTEMPTS: '1',
      NOTIFY_POLL_INTERVAL_MS: '50',
    });
    await putProject(w.t, 'recsys', projectYaml('recsys', 'recsys', 'notifications: { on_success: [], on_failure: ["slack:ml-alerts"], on_approval_needed: [] }'));
    expect((await promote(w.t, w.people.alice, 'recsys', 1, 'Staging')).status).toBe(200);
  });
  afterEach(async () => expect(await w.problemsSinceLastCheck()).toEqual([]));
  afterAll(async () => {
    await w?.stop();
    await sfn?.close();
    await slack?.close();
    await mlflow?.stop();
  });

  it('verifies the audit chain: valid with its count, then the first broken seq once a row is altered in SQL', async () => {
    const tab = await w.tabOf('auditor', '/console/audit');
    const { page } = tab;
    await page.getByRole('row', { name: /promotion\.completed/ }).waitFor();
    await page.getByRole('button', { name: 'Verify chain' }).click();
    const { checked } = (await w.t.request('GET', '/audit/verify')).body;
    expect(checked).toBeGreaterThan(3);
    await page.getByRole('status').filter({ hasText: `The chain is valid: ${checked} events checked.` }).waitFor();
    await tab.screenshot('audit');

    await tamper('CREATE TABLE audit_seq_2 AS SELECT seq, reason FROM audit_events WHERE seq = 2', "UPDATE audit_events SET reason = 'forged' WHERE seq = 2");
    try {
      await page.getByRole('button', { name: 'Verify chain' }).click();
      await page.getByRole('status').filter({ hasText: 'The chain is BROKEN at seq 2: it does not re-hash to its stored hash' }).waitFor();
      await tab.screenshot('audit-broken');
    } finally {
      await tamper('UPDATE audit_events a SET reason = b.reason FROM audit_seq_2 b WHERE a.seq = b.seq', 'DROP TABLE audit_seq_2');
    }
    expect((await w.t.request('GET', '/audit/verify')).body.valid).toBe(true);
  });

  it('filters the audit log in the address, and downloads the CSV of that filter', async () => {
    const { page } = await w.tabOf('auditor', '/console/audit');
    await page.getByLabel('Actor').fill('alice');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/\/console\/audit\?actor=alice$/);
    const byAlice = (await w.t.request('GET', '/audit', { query: { actor: 'alice' } })).body.items;
    expect(byAlice.length).toBeGreaterThan(0);
    await page.getByRole('row', { name: /promotion\.completed/ }).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(byAlice.length);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('audit-events.csv');
    const saved = readFileSync((await download.path())!, 'utf8');
    expect(saved).toBe((await w.t.request('GET', '/audit', { query: { actor: 'alice', format: 'csv' } })).text);
    expect(saved.trim().split('\n')).toHaveLength(1 + byAlice.length);
  });

  it('lists the deploy gate decisions with their reasons', async () => {
    const ci = await w.t.createKey('ci-github', ['ci']);
    const denied = await w.t.request('POST', '/deploy-gate', { key: ci, body: { project: 'recsys', env: 'prd', commit: '3f2a9c1' } });
    expect(denied.status).toBe(409);
    const tab = await w.tabOf('auditor', '/console/decisions');
    const row = tab.page.getByRole('row', { name: /recsys prd denied/ });
    await row.waitFor();
    expect(await row.textContent()).toContain(denied.body.reasons[0]);
    expect(await row.textContent()).toContain('3f2a9c1');
    await tab.screenshot('decisions');
  });

  it('shows a failed run with its failing step, and lets an admin retry its dead Slack notice', async () => {
    sfn.addExecution('recsys-workflow', { name: EXECUTION, status: 'FAILED', startDate: new Date(1795402800000), stopDate: new Date(1795403412000), error: 'States.TaskFailed', history: failedRunHistory() });
    slack.failAlways({ status: 500, body: 'internal_error' });
    expect((await w.t.request('POST', '/events/eventbridge', { body: makeSfnEvent({ project: 'recsys', status: 'FAILED', execution: EXECUTION }) })).status).toBe(202);

    const reader = await w.tabOf('auditor', '/console/pipelines');
    const readerRow = reader.page.getByRole('row', { name: new RegExp(EXECUTION) });
    await readerRow.getByText('dead').waitFor({ timeout: 10_000 });
    expect(await readerRow.getByText('Score Model').count()).toBe(1);
    expect(await reader.page.getByRole('button', { name: /Retry/ }).count()).toBe(0);

    slack.reset();
    const admin = await w.tabOf('admin', '/console/pipelines');
    const row = admin.page.getByRole('row', { name: new RegExp(EXECUTION) });
    await row.getByRole('button', { name: 'Retry the notification to slack:ml-alerts' }).waitFor();
    await admin.screenshot('pipelines');
    await row.getByRole('button', { name: 'Retry the notification to slack:ml-alerts' }).click();
    await row.getByText('delivered').waitFor({ timeout: 10_000 });
    expect(slack.delivered('ml-alerts')).toHaveLength(1);
  });
});
