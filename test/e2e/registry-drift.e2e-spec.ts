import { DriftWatcher } from '../../src/registry-watch/drift-watcher';
import { EventBridgeFake } from '../fakes/aws/event-bridge-fake';
import { FakeMlflow } from '../fakes/mlflow';
import { SesFake } from '../fakes/ses/ses-fake';
import { SlackSink } from '../fakes/slack/slack-sink';
import { notifyEnv } from '../fixtures/events/app-env';
import { promote, projectYaml, putProject } from '../helpers/promotions';
import { TestApp, expectError, startTestApp } from '../helpers/test-app';
import { withDatabase } from '../helpers/test-database';
import { waitUntil } from '../helpers/wait';

const OPS = 'ops@rentcars.com';
const BUS = 'modelgate-lifecycle';

describe("registry drift: changes made in MLflow behind modelgate's back", () => {
  let mlflow: FakeMlflow;
  let ses: SesFake;
  let slack: SlackSink;
  let bus: EventBridgeFake;
  let t: TestApp;
  let alice: string;
  let bob: string;
  let reader: string;
  let ci: string;

  const sql = <T = any>(text: string, params: unknown[] = []) => withDatabase(t.databaseUrl, async (db) => (await db.query(text, params)).rows as T[]);
  const round = async (model: string) => (await t.app.get(DriftWatcher).round()).checks.find((c) => c.model === model);
  const audit = async (model: string, action: string) => (await t.request('GET', '/audit', { query: { model, action } })).body.items;
  const gate = (project: string, extra: Record<string, unknown> = {}) => t.request('POST', '/deploy-gate', { key: ci, body: { project, env: 'prd', ...extra } });
  const drifts = async (query: Record<string, string>) => (await t.request('GET', '/drift', { key: reader, query })).body;
  let models = 0;
  /** A model of its own (versions in these stages), claimed by a project of the same name, not yet seen by the watcher. */
  const unseenModel = async (base: string, stages: ('None' | 'Staging' | 'Production' | 'Archived')[], projectExtra = '') => {
    const name = `${base}-${++models}`;
    for (const stage of stages) mlflow.seed.modelVersion({ name, stage });
    await putProject(t, name, projectYaml(name, name, projectExtra));
    return name;
  };
  /** The same, its state adopted by the watcher as the baseline. */
  const watchedModel = async (...args: Parameters<typeof unseenModel>) => {
    const name = await unseenModel(...args);
    expect(await round(name)).toMatchObject({ outcome: 'baseline' });
    return name;
  };
  /** Drift of such a project's model is announced by e-mail and on Slack. */
  const ON_DRIFT = `notifications: { on_drift: ["${OPS}", "slack:ml-alerts"] }`;
  const driftCounter = async (action: string) => Number(new RegExp(`modelgate_registry_drift_total\\{action="${action}"\\} (\\d+)`).exec((await t.request('GET', '/metrics')).text)?.[1] ?? 0);

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    mlflow.seed.modelVersion({ name: 'legacy', stage: 'Production' });
    [ses, slack, bus] = await Promise.all([SesFake.start(), SlackSink.start(), EventBridgeFake.start()]);
    t = await startTestApp({
      env: notifyEnv(ses, slack, { PROJECTS_DIR: undefined, MLFLOW_TRACKING_URI: mlflow.url, EVENT_BUS_NAME: BUS, AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint }),
    });
    [alice, bob, reader, ci] = await Promise.all([
      t.createKey('alice', ['promoter']),
      t.createKey('bob', ['approver']),
      t.createKey('rita', ['reader']),
      t.createKey('ci-pipeline', ['ci']),
    ]);
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([ses?.close(), slack?.close(), bus?.close(), mlflow?.stop()]);
  });

  it('adopts what MLflow holds on first sight, audited once per model, and finds no drift in it', async () => {
    const model = await unseenModel('seen', ['Archived', 'Production', 'None']);
    expect(await round(model)).toMatchObject({ outcome: 'baseline' });
    const [baseline] = await audit(model, 'registry.baseline_adopted');
    expect(baseline).toMatchObject({
      actor: 'system:registry-watch',
      model,
      details: { project: model, versions: [{ version: '1', stage: 'Archived', aliases: [] }, { version: '2', stage: 'Production', aliases: [] }] },
    });
    expect(await round(model)).toMatchObject({ outcome: 'checked', detected: 0 });
    expect(await audit(model, 'registry.baseline_adopted')).toHaveLength(1);
    expect((await drifts({ project: model })).items).toEqual([]);
  });

  it('adopts first when a gate decision is the first sight of a model, so a deploy allowed before stays allowed', async () => {
    await putProject(t, 'legacy', projectYaml('legacy', 'legacy'));
    expect((await gate('legacy')).body).toMatchObject({ allowed: true, version: '1', stage: 'Production' });
    expect(await audit('legacy', 'registry.baseline_adopted')).toEqual([
      expect.objectContaining({ actor: 'system:registry-watch', details: { project: 'legacy', versions: [{ version: '1', stage: 'Production', aliases: [] }] } }),
    ]);
    expect(await round('legacy')).toMatchObject({ outcome: 'checked', detected: 0 });
  });

  it('with adopt_existing: false adopts nothing: a version not in None is drift from the first round', async () => {
    const strict = await unseenModel('strict', ['Production'], 'drift: { adopt_existing: false }');
    expect(await round(strict)).toMatchObject({ detected: 1 });
    expect(await audit(strict, 'registry.baseline_adopted')).toEqual([]);
    expect((await drifts({ project: strict })).items).toEqual([
      expect.objectContaining({ model: strict, version: '1', status: 'open', expected_stage: 'None', observed_stage: 'Production' }),
    ]);
    expect(await round(strict)).toMatchObject({ outcome: 'checked', detected: 0 });
    expect(expectError(await gate(strict), 409, 'DEPLOY_DENIED').reasons[0]).toMatch(new RegExp(`^version 1 of ${strict} is in Production in MLflow, but not through modelgate \\(expected None since `));
  });

  it('audits an out-of-band Production move once, and announces it once, by e-mail, Slack and the bus, over two rounds', async () => {
    const m = await watchedModel('moved', ['Archived', 'Production', 'None'], ON_DRIFT);
    const detectedBefore = await driftCounter('detected');
    mlflow.outOfBand.transition(m, 3, 'Production', { archiveExisting: true }); // v2 archived with it
    const changedAt = mlflow.state.registry.version(m, 3).lastUpdatedTimestamp;
    // The gate refuses at once, without waiting for a round, and wakes the watcher for the model.
    const [{ adopted }] = await sql(`SELECT baseline_adopted_at AS adopted FROM registry_watched_models WHERE model = $1`, [m]);
    const denied = expectError(await gate(m), 409, 'DEPLOY_DENIED');
    expect(denied.reasons).toEqual([
      `version 3 of ${m} is in Production in MLflow, but not through modelgate (expected None since ${adopted.toISOString().slice(0, 19)}Z); promote it or adopt it`,
    ]);
    expect(expectError(await gate(m, { version: 3 }), 409, 'DEPLOY_DENIED').reasons).toEqual(denied.reasons);
    const woken = Date.now();
    while ((await drifts({ project: m, status: 'open' })).items.length < 2 && Date.now() - woken < 3000) await new Promise((r) => setTimeout(r, 20));
    expect(Date.now() - woken).toBeLessThan(1500);
    expect(await round(m)).toMatchObject({ outcome: 'checked', detected: 0 });
    expect(await round(m)).toMatchObject({ outcome: 'checked', detected: 0 });

    const events = await audit(m, 'registry.drift_detected');
    expect(events.map((e: any) => [e.version, e.from_stage, e.to_stage])).toEqual([
      ['3', 'None', 'Production'],
      ['2', 'Production', 'Archived'],
    ]);
    expect(events[0]).toMatchObject({
      actor: 'system:registry-watch',
      details: { project: m, expected_stage: 'None', observed_stage: 'Production', expected_aliases: [], observed_aliases: [], last_updated_timestamp: changedAt },
    });

    const subject = `[${m}] ${m} versions 2, 3 changed in MLflow behind modelgate`;
    await ses.waitFor((mails) => mails.some((m) => m.subject === subject));
    const alert = await waitUntil(`the Slack alert about ${m}`, async () => slack.delivered('ml-alerts').find((p) => JSON.stringify(p.body).includes(`/models/${m}/`)));
    const [mail, ...more] = (await ses.emailsTo(OPS)).filter((m) => m.subject === subject);
    expect(more).toEqual([]);
    expect(mail.body.text).toContain('version 3: in Production in MLflow, modelgate expects None (changed ');
    expect(mail.body.text).toContain('version 2: in Archived in MLflow, modelgate expects Production');
    expect(mail.body.text).toContain(`curl -X POST "$MODELGATE_URL/models/${m}/versions/3/adopt"`);
    expect(mail.body.text).toContain('2. Revert it: put MLflow back yourself (version 2 to Production, version 3 to None)');
    expect(JSON.stringify(alert.body)).toContain(`/models/${m}/versions/2/adopt`);
    const notices = await sql(`SELECT kind, recipient FROM outbox WHERE dedupe_key LIKE $1 ORDER BY kind`, [`registry_drift|${m}|%`]);
    expect(notices).toEqual([
      { kind: 'email', recipient: OPS },
      { kind: 'slack', recipient: 'slack:ml-alerts' },
    ]);

    await bus.waitFor(() => bus.ofType('Model Version Drift Detected').filter((e) => e.detail.model === m).length === 2);
    const published = bus.ofType('Model Version Drift Detected').find((e) => e.detail.model === m && e.detail.version === '3')!;
    expect(published.detail).toMatchObject({ from_stage: 'None', to_stage: 'Production', actor: 'system:registry-watch', audit_seq: events[0].seq, project: m });
    expect(await driftCounter('detected')).toBe(detectedBefore + 2);

    const open = await drifts({ project: m, status: 'open' });
    expect(open.items.map((d: any) => [d.version, d.expected_stage, d.observed_stage, d.detected_seq])).toEqual([
      ['3', 'None', 'Production', events[0].seq],
      ['2', 'Production', 'Archived', events[1].seq],
    ]);
    expect(open.items[0].last_updated_at).toBe(new Date(changedAt).toISOString());
  });

  it("adopting accepts MLflow's state as expected, audited with the approver and reason; Idempotency-Key replays; then nothing is left to adopt", async () => {
    const m = await watchedModel('adopted', ['Archived', 'Production', 'None']);
    mlflow.outOfBand.transition(m, 3, 'Production', { archiveExisting: true });
    expect(await round(m)).toMatchObject({ detected: 2 });
    const adopt = (version: string, key: string, headers?: Record<string, string>) =>
      t.request('POST', `/models/${m}/versions/${version}/adopt`, { key, body: { reason: 'hotfix by the on-call' }, headers });
    expectError(await adopt('3', alice), 403, 'FORBIDDEN');
    const adopted = await adopt('3', bob, { 'idempotency-key': `adopt-${m}-3` });
    expect(adopted.status).toBe(200);
    expect(adopted.body).toMatchObject({ version: '3', status: 'resolved', resolution: 'adopted', resolved_by: 'bob', expected_stage: 'None', observed_stage: 'Production' });
    const replay = await adopt('3', bob, { 'idempotency-key': `adopt-${m}-3` });
    expect([replay.status, replay.headers['idempotent-replayed'], replay.text]).toEqual([200, 'true', adopted.text]);
    expect(expectError(await adopt('3', bob), 409, 'NOTHING_TO_ADOPT').message).toBe(`Version 3 of ${m} has no open drift: MLflow holds it as modelgate expects`);

    const [event] = await audit(m, 'registry.adopted');
    expect(event).toMatchObject({ actor: 'bob', version: '3', from_stage: 'None', to_stage: 'Production', reason: 'hotfix by the on-call', details: { drift_id: adopted.body.id } });
    expect(adopted.body.resolved_seq).toBe(event.seq);
    expect(await round(m)).toMatchObject({ detected: 0, resolved: 0 });
    expect((await gate(m)).body).toMatchObject({ allowed: true, version: '3', stage: 'Production' });
    expect((await adopt('2', bob)).status).toBe(200);
    expect((await drifts({ project: m, status: 'open' })).items).toEqual([]);
    expect(await round(m)).toMatchObject({ detected: 0, resolved: 0 });
  });

  it('resolves a drift when MLflow goes back by itself; a version that moves again is a new detection', async () => {
    const wobbly = await watchedModel('wobbly', ['Production', 'Archived']);
    const move = (stage: 'Staging' | 'Production' | 'Archived') => mlflow.outOfBand.transition(wobbly, 2, stage);
    expect(await audit(wobbly, 'registry.baseline_adopted')).toHaveLength(1);
    move('Staging');
    expect(await round(wobbly)).toMatchObject({ detected: 1 });
    move('Production');
    expect(await round(wobbly)).toMatchObject({ detected: 1, resolved: 0 });
    move('Archived');
    expect(await round(wobbly)).toMatchObject({ detected: 0, resolved: 1 });

    const listed = (await drifts({ project: wobbly })).items;
    expect(listed.map((d: any) => [d.observed_stage, d.status, d.resolution])).toEqual([
      ['Production', 'resolved', 'returned'],
      ['Staging', 'resolved', 'superseded'],
    ]);
    const [resolved] = await audit(wobbly, 'registry.drift_resolved');
    expect(resolved).toMatchObject({ actor: 'system:registry-watch', version: '2', from_stage: 'Production', to_stage: 'Archived', details: { drift_id: listed[0].id } });
    expect(listed[0].resolved_seq).toBe(resolved.seq);
    expect((await audit(wobbly, 'registry.drift_detected'))[0].details.supersedes).toBe(listed[1].id);
  });

  it('refuses to promote a version staged behind modelgate\'s back (drift rule), and always lets it go to Archived', async () => {
    const scorer = await watchedModel('scorer', ['Staging', 'None']);
    mlflow.outOfBand.transition(scorer, 2, 'Staging');
    const refused = expectError(await promote(t, alice, scorer, 2, 'Production'), 422, 'POLICY_DENIED');
    expect(refused.verdict.rules).toEqual([
      expect.objectContaining({
        rule: 'drift',
        passed: false,
        message: expect.stringMatching(/^version 2 is in Staging in MLflow, but not through modelgate \(expected None since \d{4}-\d\d-\d\dT[\d:]+Z\); adopt it before promoting it$/),
      }),
    ]);
    expect(mlflow.state.registry.version(scorer, 2).currentStage).toBe('Staging');
    const archived = await promote(t, alice, scorer, 2, 'Archived');
    expect(archived.body).toMatchObject({ status: 'completed', verdict: { allowed: true, rules: [expect.objectContaining({ rule: 'drift', passed: true })] } });
    expect(await round(scorer)).toMatchObject({ detected: 0 });
  });

  it('lists drifts for readers, newest first, paged, filtered, and refuses a bad filter or token', async () => {
    const m = await watchedModel('listed', ['Archived', 'Production', 'None']);
    mlflow.outOfBand.transition(m, 3, 'Production', { archiveExisting: true });
    expect(await round(m)).toMatchObject({ detected: 2 });
    const first = await drifts({ project: m, max_results: '1' });
    expect(first.items).toEqual([expect.objectContaining({ version: '3' })]);
    const second = await drifts({ project: m, max_results: '1', page_token: first.next_page_token });
    expect(second.items).toEqual([expect.objectContaining({ version: '2' })]);
    expect(second.items[0].detected_seq).toBeLessThan(first.items[0].detected_seq);
    for (const version of ['3', '2']) expect((await t.request('POST', `/models/${m}/versions/${version}/adopt`, { key: bob, body: { reason: 'as released' } })).status).toBe(200);
    expect((await drifts({ status: 'resolved', project: m })).items.map((d: any) => d.resolution)).toEqual(['adopted', 'adopted']);
    expect((await drifts({ status: 'open', project: m })).items).toEqual([]);
    expectError(await t.request('GET', '/drift', { key: reader, query: { status: 'closed' } }), 400, 'VALIDATION_FAILED');
    expectError(await t.request('GET', '/drift', { key: reader, query: { page_token: 'bm9wZQ' } }), 400, 'VALIDATION_FAILED');
  });
});
