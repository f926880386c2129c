import { Client } from 'pg';
import { APPROVE_ACTION_ID } from '../../src/notifications/templates/approval-actions';
import { STATUS_BLOCK_ID } from '../../src/slack/decision-message';
import { FakeMlflow } from '../fakes/mlflow';
import { FakeSlackApp, PostedMessage, SignedInteraction } from '../fakes/slack/slack-clicks';
import { SlackSink } from '../fakes/slack/slack-sink';
import { killApp, stopApp } from '../helpers/app-process';
import { createTestDatabase, withDatabase } from '../helpers/test-database';
import { waitUntil } from '../helpers/wait';
import { faultScenario } from './support/fault-summary';
import { Replica, startReplica } from './support/fleet';

const SECRET = 'slack-signing-secret-faults-0123456789';
const CHANNEL = 'ml-approvals';

/** A project owning `model` whose Production promotions need one approval, announced in Slack. */
const projectOf = (model: string) => ({
  project_name: model,
  version: '1.0.0',
  owners: { tech_owner: 'ml-team@rentcars.com' },
  schedule: { enabled: false },
  batch: { pipeline: { steps: [{ id: 'train' }] } },
  model: { name: model },
  promotion: { Production: { approvals: 1 } },
  notifications: { on_approval_needed: [`slack:${CHANNEL}`] },
});

/** Slack clicks on the built service (dist/src/main.js), which is killed after answering Slack and before applying them. */
describe('fault injection: Slack clicks (built service, real processes)', () => {
  let mlflow: FakeMlflow;
  let sink: SlackSink;
  let slack: FakeSlackApp;
  const running: Replica[] = [];

  const launch = async (env: Record<string, string>) => {
    const replica = await startReplica(env);
    running.push(replica);
    return replica;
  };
  const ok = async <T>(pending: Promise<{ status: number; body: T }>, status = 200) => {
    const res = await pending;
    if (res.status !== status) throw new Error(`expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const noticeFor = (id: string) =>
    waitUntil(`the approver notice of ${id}`, async () => sink.delivered(CHANNEL).find((p) => JSON.stringify(p.body).includes(id))?.body as PostedMessage | undefined);

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    sink = await SlackSink.start();
    slack = new FakeSlackApp(SECRET, sink);
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => stopApp(r.process, 5_000)));
  });
  afterAll(async () => {
    await sink?.close();
    await mlflow?.stop();
  });

  faultScenario('11', "kill -9 between Slack clicks' acknowledgement and their apply, restart", async (counts) => {
    // slack-lock: the click waits for the model's lock (another change in flight), so the kill lands before its vote;
    // slack-apply: MLflow holds the apply of the vote, so the kill lands after it.
    for (const model of ['slack-lock', 'slack-apply']) mlflow.seed.modelVersion({ name: model, stage: 'Staging' });
    const apply = mlflow.hold((r) => r.path.endsWith('/transition-stage') && (r.body as { name?: string })?.name === 'slack-apply');
    const env = {
      DATABASE_URL: await createTestDatabase(),
      MLFLOW_TRACKING_URI: mlflow.url,
      MLFLOW_TIMEOUT_MS: '20000',
      SLACK_WEBHOOKS: JSON.stringify({ [CHANNEL]: sink.webhookUrl(CHANNEL) }),
      SLACK_SIGNING_SECRET: SECRET,
      NOTIFY_POLL_INTERVAL_MS: '50',
    };
    const sql = <R = any>(text: string) => withDatabase(env.DATABASE_URL, async (db) => (await db.query(text)).rows as R[]);
    const a = await launch(env);
    const alice = (await ok(a.call<{ key: string }>('POST', '/api-keys', { body: { name: 'alice', roles: ['promoter'] } }), 201)).key;
    await ok(a.call('POST', '/api-keys', { body: { name: 'bob', roles: ['approver'] } }), 201);
    await ok(a.call('PUT', '/slack-identities/U0BOB', { body: { actor: 'bob' } }));
    const clicks: { model: string; id: string; click: SignedInteraction }[] = [];
    for (const model of ['slack-lock', 'slack-apply']) {
      await ok(a.call('PUT', `/projects/${model}`, { body: projectOf(model) }), 201);
      const { id } = await ok(a.call<{ id: string }>('POST', `/models/${model}/versions/1/promote`, { key: alice, body: { stage: 'Production', reason: 'crash test' } }), 202);
      clicks.push({ model, id, click: slack.click(await noticeFor(id), 'U0BOB', APPROVE_ACTION_ID) });
    }

    const locker = new Client({ connectionString: env.DATABASE_URL });
    await locker.connect();
    try {
      await locker.query(`SELECT pg_advisory_lock(hashtextextended('promotion:slack-lock', 0))`);
      const acks = [];
      for (const { click } of clicks) {
        const started = Date.now();
        const res = await fetch(`${a.url}/slack/interactions`, { method: 'POST', headers: click.headers, body: click.body, signal: AbortSignal.timeout(3_000) });
        acks.push({ status: res.status, body: await res.text(), ms: Date.now() - started });
      }
      expect(acks.map((r) => [r.status, r.body])).toEqual([
        [200, ''],
        [200, ''],
      ]);
      await apply.waitFor(1);
      await new Promise((r) => setTimeout(r, 300)); // the slack-lock click keeps waiting for the lock meanwhile
      const atKill = await sql<{ model: string; status: string; votes: number; interaction: string }>(
        `SELECT p.model, p.status, (SELECT count(*)::int FROM approvals a WHERE a.promotion_id = p.id) AS votes, i.status AS interaction
         FROM promotions p JOIN slack_interactions i ON i.promotion_id = p.id ORDER BY p.model DESC`,
      );
      expect(atKill).toEqual([
        { model: 'slack-lock', status: 'pending_approval', votes: 0, interaction: 'received' },
        { model: 'slack-apply', status: 'applying', votes: 1, interaction: 'received' },
      ]);
      await killApp(a.process);
      apply.discard(); // the apply never reached MLflow
      mlflow.clearFaults();
      Object.assign(counts, { clicks: clicks.length, acked_200: acks.filter((r) => r.status === 200).length, slowest_ack_ms: Math.max(...acks.map((r) => r.ms)) });
    } finally {
      await locker.end(); // the other change of slack-lock is over
    }
    expect(['slack-lock', 'slack-apply'].map((m) => mlflow.state.registry.version(m, 1).currentStage)).toEqual(['Staging', 'Staging']);

    const restartedAt = Date.now();
    await launch(env);
    const replies = await waitUntil('a reply to each click', async () => {
      const all = clicks.map(({ click }) => sink.repliesTo(click.responseUrl));
      return all.every((r) => r.length > 0) && all;
    }, 45_000, 100);
    const finishedMs = Date.now() - restartedAt;
    expect(replies.map((r) => r.map((reply) => reply.body.blocks.find((b: any) => b.block_id === STATUS_BLOCK_ID)?.text.text))).toEqual([
      ['*Applied: v1 is in Production*'],
      ['*Applied: v1 is in Production*'],
    ]);
    expect(['slack-lock', 'slack-apply'].map((m) => mlflow.state.registry.version(m, 1).currentStage)).toEqual(['Production', 'Production']);
    const after = await sql<{ model: string; status: string; votes: number; interaction: string; outcome: string }>(
      `SELECT p.model, p.status, (SELECT count(*)::int FROM approvals a WHERE a.promotion_id = p.id) AS votes, i.status AS interaction, i.outcome
       FROM promotions p JOIN slack_interactions i ON i.promotion_id = p.id ORDER BY p.model DESC`,
    );
    expect(after).toEqual([
      { model: 'slack-lock', status: 'completed', votes: 1, interaction: 'done', outcome: 'voted' },
      { model: 'slack-apply', status: 'completed', votes: 1, interaction: 'done', outcome: 'voted' },
    ]);
    Object.assign(counts, {
      votes: after.reduce((n, r) => n + r.votes, 0),
      applied_after_restart: after.filter((r) => r.status === 'completed').length,
      replies: replies.flat().length,
      finished_after_restart_ms: finishedMs,
    });
  }, 60_000);
});
