import { APPROVE_ACTION_ID, DECISION_BLOCK_ID, REJECT_ACTION_ID } from '../../src/notifications/templates/approval-actions';
import { PromotionReconciler } from '../../src/promotions/promotion-reconciler';
import { STATUS_BLOCK_ID } from '../../src/slack/decision-message';
import { CLAIM_MS } from '../../src/slack/slack-decisions';
import { readInteraction } from '../../src/slack/slack-interaction';
import { SlackInteractionRecovery } from '../../src/slack/slack-interaction-recovery';
import { SlackInteractionStore } from '../../src/slack/slack-interaction.store';
import { FakeMlflow } from '../fakes/mlflow';
import { SesFake } from '../fakes/ses/ses-fake';
import { FakeSlackApp, PostedMessage, SignedInteraction, signSlackRequest } from '../fakes/slack/slack-clicks';
import { SlackSink } from '../fakes/slack/slack-sink';
import { notifyEnv } from '../fixtures/events/app-env';
import { promote, projectYaml, putProject } from '../helpers/promotions';
import { TestApp, expectError, startTestApp } from '../helpers/test-app';
import { withDatabase } from '../helpers/test-database';
import { waitUntil } from '../helpers/wait';

const SECRET = 'slack-signing-secret-e2e-0123456789';
const CHANNEL = 'ml-approvals';

describe('approve or reject from Slack: signed clicks on the approver notice, as the linked approver', () => {
  let mlflow: FakeMlflow;
  let ses: SesFake;
  let sink: SlackSink;
  let slack: FakeSlackApp;
  let t: TestApp;
  let alice: string;
  let bob: string;

  const sql = <T = any>(text: string, params: unknown[] = []) => withDatabase(t.databaseUrl, async (db) => (await db.query(text, params)).rows as T[]);
  const stageOf = (v: number) => mlflow.state.registry.version('credit', v).currentStage;
  const post = (i: Pick<SignedInteraction, 'body' | 'headers'>) =>
    t.request('POST', '/slack/interactions', { key: null, raw: { payload: i.body, contentType: 'application/x-www-form-urlencoded' }, headers: i.headers });
  const link = async (slackUserId: string, actor: string) => expect((await t.request('PUT', `/slack-identities/${slackUserId}`, { body: { actor } })).status).toBe(200);
  /** alice asks for credit `version` → Production; answers the promotion id and the notice Slack shows. */
  const requestApproval = async (version: number): Promise<{ id: string; notice: PostedMessage }> => {
    const res = await promote(t, alice, 'credit', version, 'Production');
    expect(res.status).toBe(202);
    const id: string = res.body.id;
    const notice = await waitUntil(`the approver notice of ${id}`, async () => sink.delivered(CHANNEL).find((p) => JSON.stringify(p.body).includes(id)));
    return { id, notice: notice.body };
  };
  /** Clicks, checks Slack got its empty 200, and answers the one reply posted to the click's response_url. */
  const clickAndReply = async (notice: PostedMessage, user: string, actionId: string) => {
    const click = slack.click(notice, user, actionId);
    const ack = await post(click);
    expect({ status: ack.status, body: ack.text }).toEqual({ status: 200, body: '' });
    const [reply] = await sink.waitForReplies(click.responseUrl, 1);
    return { click, reply: reply.body };
  };
  const statusLine = (message: { blocks: any[] }) => message.blocks.find((b) => b.block_id === STATUS_BLOCK_ID)?.text.text;
  const hasButtons = (message: { blocks: any[] }) => message.blocks.some((b) => b.block_id === DECISION_BLOCK_ID);
  const votes = (id: string) => sql('SELECT approver, decision, comment FROM approvals WHERE promotion_id = $1 ORDER BY created_at', [id]);
  const interactions = (id: string) => sql('SELECT slack_user_id, decision, status, outcome, actor, refusal_code FROM slack_interactions WHERE promotion_id = $1 ORDER BY received_at', [id]);

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    for (let i = 0; i < 11; i++) mlflow.seed.modelVersion({ name: 'credit', stage: 'Staging', run: { metrics: { roc_auc: 0.91 } } });
    ses = await SesFake.start();
    sink = await SlackSink.start();
    slack = new FakeSlackApp(SECRET, sink);
    t = await startTestApp({
      env: notifyEnv(ses, sink, {
        PROJECTS_DIR: undefined,
        MLFLOW_TRACKING_URI: mlflow.url,
        SLACK_WEBHOOKS: JSON.stringify({ [CHANNEL]: sink.webhookUrl(CHANNEL) }),
        SLACK_SIGNING_SECRET: SECRET,
      }),
    });
    alice = await t.createKey('alice', ['promoter', 'approver']);
    bob = await t.createKey('bob', ['approver']);
    for (const name of ['carol', 'dave']) await t.createKey(name, ['approver']);
    const promotion = 'promotion:\n  Production: { approvals: 2, metrics: { roc_auc: ">= 0.85" } }';
    await putProject(t, 'credit', projectYaml('credit', 'credit', `${promotion}\nnotifications: { on_approval_needed: ["slack:${CHANNEL}"] }`));
    for (const [user, actor] of [['U0ALICE', 'alice'], ['U0BOB', 'bob'], ['U0CAROL', 'carol'], ['U0DAVE', 'dave']]) await link(user, actor);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
    await ses?.close();
    await mlflow?.stop();
  });

  it('the approver notice carries Approve and Reject for its promotion; Reject asks to confirm', async () => {
    const { id, notice } = await requestApproval(9);
    const actions = notice.blocks.find((b) => b.type === 'actions');
    expect(actions.elements.map((e: any) => [e.action_id, e.value])).toEqual([
      [APPROVE_ACTION_ID, id],
      [REJECT_ACTION_ID, id],
    ]);
    expect(actions.elements[1].confirm.text.text).toBe('Reject credit version 9 → Production? Version 9 will be archived.');
  });

  it('two linked approvers approve in Slack: the message shows the tally with its buttons, then the outcome; MLflow has v1 in Production', async () => {
    const { id, notice } = await requestApproval(1);

    const first = await clickAndReply(notice, 'U0BOB', APPROVE_ACTION_ID);
    expect(first.reply).toMatchObject({ replace_original: true, text: notice.text });
    expect(statusLine(first.reply)).toBe('*Approved by bob — 1 of 2*');
    expect(hasButtons(first.reply)).toBe(true);
    expect((await t.request('GET', `/promotions/${id}`)).body.status).toBe('pending_approval');
    expect(stageOf(1)).toBe('Staging');

    // Slack hands the next click the message as it now reads.
    const second = await clickAndReply(first.reply, 'U0CAROL', APPROVE_ACTION_ID);
    expect(statusLine(second.reply)).toBe('*Applied: v1 is in Production*');
    expect(hasButtons(second.reply)).toBe(false);
    expect(second.reply.blocks.filter((b: any) => b.block_id === STATUS_BLOCK_ID)).toHaveLength(1);

    expect((await t.request('GET', `/promotions/${id}`)).body.status).toBe('completed');
    expect(stageOf(1)).toBe('Production');
    expect(await votes(id)).toEqual([
      { approver: 'bob', decision: 'approve', comment: 'approved in Slack' },
      { approver: 'carol', decision: 'approve', comment: 'approved in Slack' },
    ]);
    const audit = await t.request('GET', '/audit', { query: { action: 'promotion.approved', model: 'credit', version: '1' } });
    expect(audit.body.items.map((e: any) => ({ actor: e.actor, via: e.details.via, slack_user_id: e.details.slack_user_id, promotion_id: e.details.promotion_id })).sort((a: any, b: any) => a.actor.localeCompare(b.actor))).toEqual([
      { actor: 'bob', via: 'slack', slack_user_id: 'U0BOB', promotion_id: id },
      { actor: 'carol', via: 'slack', slack_user_id: 'U0CAROL', promotion_id: id },
    ]);
    expect(await interactions(id)).toEqual([
      { slack_user_id: 'U0BOB', decision: 'approve', status: 'done', outcome: 'voted', actor: 'bob', refusal_code: null },
      { slack_user_id: 'U0CAROL', decision: 'approve', status: 'done', outcome: 'voted', actor: 'carol', refusal_code: null },
    ]);
  });

  it('Reject archives the Staging → Production candidate with the comment "rejected in Slack"; a later click is refused as no longer pending', async () => {
    const { id, notice } = await requestApproval(2);
    const { reply } = await clickAndReply(notice, 'U0CAROL', REJECT_ACTION_ID);
    expect(statusLine(reply)).toBe('*Rejected by carol: v2 is archived*');
    expect(hasButtons(reply)).toBe(false);
    expect((await t.request('GET', `/promotions/${id}`)).body.status).toBe('rejected');
    expect(stageOf(2)).toBe('Archived');
    expect(await votes(id)).toEqual([{ approver: 'carol', decision: 'reject', comment: 'rejected in Slack' }]);
    const [rejected] = (await t.request('GET', '/audit', { query: { action: 'promotion.rejected', model: 'credit', version: '2' } })).body.items;
    expect(rejected).toMatchObject({ actor: 'carol', details: { via: 'slack', slack_user_id: 'U0CAROL', comment: 'rejected in Slack', archived_candidate: true } });

    const late = await clickAndReply(notice, 'U0BOB', APPROVE_ACTION_ID);
    expect(late.reply).toEqual({ response_type: 'ephemeral', replace_original: false, text: `Nothing was done: Promotion ${id} is rejected, not pending approval.` });
    expect(await votes(id)).toHaveLength(1);
  });

  it('the requester cannot approve their own promotion: told alone, the message and the promotion untouched', async () => {
    const { id, notice } = await requestApproval(3);
    const { reply } = await clickAndReply(notice, 'U0ALICE', APPROVE_ACTION_ID);
    expect(reply).toEqual({ response_type: 'ephemeral', replace_original: false, text: 'Nothing was done: you (alice) requested this promotion; another approver must decide.' });
    expect(await votes(id)).toEqual([]);
    expect(await interactions(id)).toEqual([{ slack_user_id: 'U0ALICE', decision: 'approve', status: 'done', outcome: 'refused', actor: 'alice', refusal_code: 'SELF_APPROVAL' }]);
  });

  it('a Slack user linked to nobody is told how to get linked, and nothing changes', async () => {
    const { id, notice } = await requestApproval(4);
    const { reply } = await clickAndReply(notice, 'U0ERIN', REJECT_ACTION_ID);
    expect(reply).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(reply.text).toContain('your Slack account is not linked to a modelgate approver');
    expect(await votes(id)).toEqual([]);
    expect(stageOf(4)).toBe('Staging');
    expect(await interactions(id)).toEqual([expect.objectContaining({ outcome: 'refused', actor: null, refusal_code: 'NOT_LINKED' })]);
  });

  it('a linked approver whose key was revoked since is refused, and nothing changes', async () => {
    const { id, notice } = await requestApproval(5);
    const keys = await t.request('GET', '/api-keys');
    const dave = keys.body.items.find((k: any) => k.name === 'dave');
    expect((await t.request('DELETE', `/api-keys/${dave.id}`)).status).toBe(200);
    const { reply } = await clickAndReply(notice, 'U0DAVE', APPROVE_ACTION_ID);
    expect(reply).toMatchObject({ response_type: 'ephemeral', replace_original: false, text: expect.stringContaining('dave is not an approver in modelgate') });
    expect(await votes(id)).toEqual([]);
    expect(await interactions(id)).toEqual([expect.objectContaining({ outcome: 'refused', actor: 'dave', refusal_code: 'NOT_APPROVER' })]);
  });

  it('a second click by the same approver is refused (one vote each); a reply Slack answers 503 is posted again', async () => {
    const { id, notice } = await requestApproval(6);
    await clickAndReply(notice, 'U0BOB', APPROVE_ACTION_ID);
    sink.failNext(1, { status: 503 });
    const again = await clickAndReply(notice, 'U0BOB', APPROVE_ACTION_ID);
    expect(again.reply.text).toBe('Nothing was done: you (bob) already decided on this promotion; each approver has one vote.');
    expect(sink.replies.filter((r) => again.click.responseUrl.endsWith(r.id)).map((r) => r.status)).toEqual([503, 200]);
    expect(await votes(id)).toEqual([{ approver: 'bob', decision: 'approve', comment: 'approved in Slack' }]);
  });

  it('the same click delivered twice (as Slack retries) is one vote and one reply', async () => {
    const { id, notice } = await requestApproval(7);
    const click = slack.click(notice, 'U0BOB', APPROVE_ACTION_ID);
    const acks = await Promise.all([post(click), post(slack.redeliver(click))]);
    expect(acks.map((a) => [a.status, a.text])).toEqual([
      [200, ''],
      [200, ''],
    ]);
    await sink.waitForReplies(click.responseUrl, 1);
    expect((await post(slack.redeliver(click))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.repliesTo(click.responseUrl)).toHaveLength(1);
    expect(await votes(id)).toEqual([{ approver: 'bob', decision: 'approve', comment: 'approved in Slack' }]);
    expect(await interactions(id)).toHaveLength(1);
  });

  it('refuses a forged, stale or unsigned click with 401 INVALID_SIGNATURE and stores nothing', async () => {
    const { id, notice } = await requestApproval(8);
    const good = slack.click(notice, 'U0BOB', APPROVE_ACTION_ID);
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 360;
    const refused = [
      ['another secret', slack.click(notice, 'U0BOB', APPROVE_ACTION_ID, { secret: 'not-the-signing-secret' }), 'bad_signature'],
      ['a body changed after signing', { ...good, body: good.body.replace('U0BOB', 'U0CAROL') }, 'bad_signature'],
      ['signed six minutes ago', slack.click(notice, 'U0BOB', APPROVE_ACTION_ID, { timestamp: sixMinutesAgo }), 'stale_timestamp'],
      ['no signature', { ...good, headers: { 'content-type': good.headers['content-type'] } }, 'missing_headers'],
    ] as const;
    for (const [, interaction, problem] of refused) {
      const res = await post(interaction);
      expect(expectError(res, 401, 'INVALID_SIGNATURE').details).toEqual({ problem });
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(await sql('SELECT id FROM slack_interactions WHERE promotion_id = $1', [id])).toEqual([]);
    expect(await votes(id)).toEqual([]);
    expect(sink.replies.filter((r) => refused.some(([, i]) => i.responseUrl.endsWith(r.id)))).toEqual([]);
  });

  it('answers 200 to a signed interaction that is not a click on a notice, and does nothing', async () => {
    const body = new URLSearchParams({ payload: JSON.stringify({ type: 'view_submission', user: { id: 'U0BOB' } }) }).toString();
    const before = await sql('SELECT count(*)::int AS n FROM slack_interactions');
    const res = await post({ body, headers: signSlackRequest(SECRET, body, Math.floor(Date.now() / 1000)) });
    expect({ status: res.status, body: res.text }).toEqual({ status: 200, body: '' });
    expect(await sql('SELECT count(*)::int AS n FROM slack_interactions')).toEqual(before);
  });

  it('accepts a form body only on /slack/interactions: 415 elsewhere', async () => {
    const res = await t.request('POST', '/api-keys', { raw: { payload: 'name=x&roles=ci', contentType: 'application/x-www-form-urlencoded' } });
    expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('a click recorded and answered, but not acted on (the process died), is finished by the recovery loop', async () => {
    const { id, notice } = await requestApproval(10);
    const click = slack.click(notice, 'U0CAROL', APPROVE_ACTION_ID);
    const reading = readInteraction(click.body);
    if (!('click' in reading)) throw new Error(reading.ignored);
    // What the receiver records before Slack gets its answer; the process then died.
    await t.app.get(SlackInteractionStore).record(reading.click, new Date(Date.now() + CLAIM_MS));
    const recovery = t.app.get(SlackInteractionRecovery);
    expect(await recovery.runOnce()).toBe(0); // still claimed by its receiver
    expect(await recovery.runOnce(new Date(Date.now() + CLAIM_MS + 1000))).toBe(1);
    const [reply] = await sink.waitForReplies(click.responseUrl, 1);
    expect(statusLine(reply.body)).toBe('*Approved by carol — 1 of 2*');
    expect(await votes(id)).toEqual([{ approver: 'carol', decision: 'approve', comment: 'approved in Slack' }]);
    expect(await interactions(id)).toEqual([expect.objectContaining({ status: 'done', outcome: 'voted' })]);
  });

  it('the last vote while MLflow is down: the promotion waits `approved`, and the message says "Applied" once the reconciler applied it', async () => {
    const { id, notice } = await requestApproval(11);
    expect((await t.request('POST', `/promotions/${id}/approve`, { key: bob, body: {} })).status).toBe(202);
    mlflow.failWith(503);
    try {
      const click = slack.click(notice, 'U0CAROL', APPROVE_ACTION_ID);
      expect((await post(click)).status).toBe(200);
      const row = await waitUntil('the click decided', async () => (await sql(`SELECT status, outcome FROM slack_interactions WHERE promotion_id = $1 AND status = 'decided'`, [id]))[0]);
      expect(row).toEqual({ status: 'decided', outcome: 'voted' });
      expect((await t.request('GET', `/promotions/${id}`)).body.status).toBe('approved');
      expect(await t.app.get(SlackInteractionRecovery).runOnce(new Date(Date.now() + 120_000))).toBe(1); // still approved: nothing to tell yet
      expect(sink.repliesTo(click.responseUrl)).toEqual([]);

      mlflow.clearFaults();
      await t.app.get(PromotionReconciler).reconcile();
      expect(stageOf(11)).toBe('Production');
      await t.app.get(SlackInteractionRecovery).runOnce(new Date(Date.now() + 120_000));
      const [reply] = await sink.waitForReplies(click.responseUrl, 1);
      expect(statusLine(reply.body)).toBe('*Applied: v11 is in Production*');
      const approved = (await t.request('GET', '/audit', { query: { action: 'promotion.approved', model: 'credit', version: '11' } })).body.items;
      expect(approved.map((e: any) => [e.actor, e.details.via ?? 'api'])).toEqual([
        ['carol', 'slack'],
        ['bob', 'api'],
      ]);
    } finally {
      mlflow.clearFaults();
    }
  });
});
