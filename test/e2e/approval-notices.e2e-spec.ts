import { FakeMlflow } from '../fakes/mlflow';
import { SesFake } from '../fakes/ses/ses-fake';
import { SlackSink } from '../fakes/slack/slack-sink';
import { notifyEnv } from '../fixtures/events/app-env';
import { promote, projectYaml, putProject } from '../helpers/promotions';
import { TestApp, expectError, startTestApp } from '../helpers/test-app';
import { withDatabase } from '../helpers/test-database';

const APPROVERS = 'approvers@rentcars.com';
const TECH_OWNER = 'ml-team@rentcars.com';

describe('approver notices', () => {
  let mlflow: FakeMlflow;
  let ses: SesFake;
  let slack: SlackSink;
  let t: TestApp;
  let alice: string;
  let bob: string;

  const sql = <T = any>(text: string, params: unknown[] = []) => withDatabase(t.databaseUrl, async (db) => (await db.query(text, params)).rows as T[]);
  const mailsTo = async (address: string, subject: string) => (await ses.emailsTo(address)).filter((m) => m.subject === subject);

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    mlflow.seed.modelVersion({ name: 'credit', stage: 'Staging', run: { metrics: { roc_auc: 0.91 } } });
    mlflow.seed.modelVersion({ name: 'fallback', stage: 'Staging' });
    mlflow.seed.modelVersion({ name: 'fallback' });
    ses = await SesFake.start();
    slack = await SlackSink.start();
    t = await startTestApp({
      env: notifyEnv(ses, slack, {
        PROJECTS_DIR: undefined,
        MLFLOW_TRACKING_URI: mlflow.url,
        PUBLIC_URL: 'https://modelgate.rentcars.com/',
        SLACK_WEBHOOKS: JSON.stringify({ 'ml-approvals': slack.webhookUrl('ml-approvals') }),
      }),
    });
    alice = await t.createKey('alice', ['promoter']);
    bob = await t.createKey('bob', ['approver']);
    await putProject(
      t,
      'credit',
      projectYaml(
        'credit',
        'credit',
        [
          'promotion:',
          '  Production: { approvals: 2, metrics: { roc_auc: ">= 0.85" } }',
          `notifications: { on_approval_needed: ["${APPROVERS}", "slack:ml-approvals"] }`,
        ].join('\n'),
      ),
    );
    await putProject(t, 'fallback', projectYaml('fallback', 'fallback', 'promotion:\n  Production: { approvals: 1 }'));
  });
  afterAll(async () => {
    await t?.close();
    await slack?.close();
    await ses?.close();
    await mlflow?.stop();
  });

  it('tells the configured people once, by e-mail and Slack, what awaits them and the calls to make', async () => {
    const requested = await promote(t, alice, 'credit', 1, 'Production');
    expect(requested.status).toBe(202);
    const id = requested.body.id;
    const subject = '[credit] approval needed: credit version 1 → Production';
    await ses.waitFor((mails) => mails.some((m) => m.subject === subject));
    await slack.waitForDelivered(1, { channel: 'ml-approvals' });

    const [mail] = await mailsTo(APPROVERS, subject);
    expect(mail.body.text).toContain('Transition:     Staging → Production');
    expect(mail.body.text).toContain('Requested by:   alice');
    expect(mail.body.text).toContain('Reason:         tested and ready');
    expect(mail.body.text).toContain('Approvals:      2 missing (0 of 2 given)');
    expect(mail.body.text).toContain('[pass] roc_auc 0.91 meets the required >= 0.85');
    expect(mail.body.text).toContain(`curl -X POST "$MODELGATE_URL/promotions/${id}/approve"`);
    expect(mail.body.text).toContain(`curl -X POST "$MODELGATE_URL/promotions/${id}/reject"`);
    const slackText = JSON.stringify(slack.delivered('ml-approvals')[0].body);
    expect(slackText).toContain(`/promotions/${id}/approve`);
    expect(slackText).toContain('2 missing (0 of 2 given)');
    const page = `https://modelgate.rentcars.com/console/promotions/${id}`;
    expect(mail.body.text).toContain(`Decide in the console: ${page}`);
    expect(slackText).toContain(`<${page}|Open the promotion in the modelgate console>`);
    expect(slack.delivered('ml-approvals')[0].body.blocks.map((b: { type: string }) => b.type)).not.toContain('actions'); // no SLACK_SIGNING_SECRET: no buttons

    expectError(await promote(t, alice, 'credit', 1, 'Production'), 409, 'ALREADY_PENDING');
    expect((await t.request('POST', `/promotions/${id}/approve`, { key: bob, body: {} })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 300));
    expect(await mailsTo(APPROVERS, subject)).toHaveLength(1);
    expect(slack.delivered('ml-approvals')).toHaveLength(1);
    const rows = await sql(`SELECT kind, recipient, status FROM outbox WHERE payload->'notice'->>'promotion_id' = $1 ORDER BY kind`, [id]);
    expect(rows).toEqual([
      { kind: 'email', recipient: APPROVERS, status: 'delivered' },
      { kind: 'slack', recipient: 'slack:ml-approvals', status: 'delivered' },
    ]);
    expect(await sql(`SELECT id FROM outbox WHERE kind = 'bus'`)).toEqual([]);
  });

  it("defaults to the project's tech owner", async () => {
    expect((await promote(t, alice, 'fallback', 1, 'Production')).status).toBe(202);
    const subject = '[fallback] approval needed: fallback version 1 → Production';
    await ses.waitFor((mails) => mails.some((m) => m.subject === subject));
    expect((await mailsTo(TECH_OWNER, subject)).map((m) => m.body.text)).toEqual([expect.stringContaining('Approvals:      1 missing (0 of 1 given)')]);
  });

  it('notifies nobody for a promotion that needs no approval', async () => {
    expect((await promote(t, alice, 'fallback', 2, 'Staging')).status).toBe(200);
    expect(await sql(`SELECT id FROM outbox WHERE payload->'notice'->>'version' = '2' AND payload->'notice'->>'model' = 'fallback'`)).toEqual([]);
  });
});
