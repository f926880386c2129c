import { FakeMlflow } from '../fakes/mlflow';
import { SesFake } from '../fakes/ses/ses-fake';
import { SlackSink } from '../fakes/slack/slack-sink';
import { notifyEnv } from '../fixtures/events/app-env';
import { loadEvent } from '../fixtures/events/factories';
import { promote } from '../helpers/promotions';
import { TestApp, startTestApp } from '../helpers/test-app';

/** Every label name modelgate may use; anything else would be a new, unreviewed dimension. */
const LABEL_NAMES = new Set(['route', 'method', 'status', 'stage', 'outcome', 'env', 'endpoint', 'channel', 'duplicate', 'le']);

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseSamples(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('modelgate_'))
    .map((line) => {
      const m = /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m) throw new Error(`not a Prometheus sample: ${line}`);
      const labels = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
      return { name: m[1], labels, value: Number(m[3]) };
    });
}

describe('GET /metrics: every feature feeds its series, with bounded labels', () => {
  let mlflow: FakeMlflow;
  let ses: SesFake;
  let slack: SlackSink;
  let t: TestApp;

  const scrape = async () => parseSamples((await t.request('GET', '/metrics', { key: null })).text);
  const value = (samples: Sample[], name: string, labels: Record<string, string>) =>
    samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    mlflow.seed.recsysScenario('versions');
    ses = await SesFake.start();
    slack = await SlackSink.start();
    t = await startTestApp({ env: notifyEnv(ses, slack, { MLFLOW_TRACKING_URI: mlflow.url }) });
  });
  afterAll(async () => {
    await t?.close();
    await slack?.close();
    await ses?.close();
    await mlflow?.stop();
  });

  it('counts a promotion, a gate decision, MLflow calls, a pipeline event and its deliveries', async () => {
    const promoter = await t.createKey('metrics-promoter', ['promoter']);
    const ci = await t.createKey('metrics-ci', ['ci']);
    const events = await t.createKey('metrics-events', ['events']);

    expect((await promote(t, promoter, 'recsys', 2, 'Staging')).status).toBe(200);
    expect((await t.request('POST', '/deploy-gate', { key: ci, body: { project: 'recsys', env: 'prd' } })).status).toBe(409);
    expect((await t.request('POST', '/deploy-gate', { key: ci, body: { project: 'recsys', env: 'dev' } })).status).toBe(200);
    expect((await t.request('POST', '/deploy-gate', { key: ci, body: { project: 'recsys', env: 'qa-4711' } })).status).toBe(400);
    const failed = loadEvent('sfn-failed');
    expect((await t.request('POST', '/events/eventbridge', { key: events, body: failed })).status).toBe(202);
    expect((await t.request('POST', '/events/eventbridge', { key: events, body: failed })).body.duplicate).toBe(true);
    await ses.waitFor((mails) => mails.filter((m) => m.subject.includes('sched-recsys-20261123T030000')).length === 2);

    let samples = await scrape();
    for (let i = 0; i < 40 && value(samples, 'modelgate_notifications_total', { channel: 'email', outcome: 'delivered' }) !== 2; i++) {
      await new Promise((r) => setTimeout(r, 25)); // the outcome is counted when its batch commits, just after the send
      samples = await scrape();
    }
    expect(value(samples, 'modelgate_promotions_total', { stage: 'Staging', outcome: 'completed' })).toBe(1);
    expect(value(samples, 'modelgate_deploy_gate_decisions_total', { env: 'prd', outcome: 'denied' })).toBe(1);
    expect(value(samples, 'modelgate_deploy_gate_decisions_total', { env: 'dev', outcome: 'allowed' })).toBe(1);
    expect(samples.some((s) => s.labels.env === 'qa-4711')).toBe(false); // an env no project configures is refused, not counted
    expect(value(samples, 'modelgate_mlflow_request_duration_seconds_count', { endpoint: 'transitionStage', outcome: 'ok' })).toBe(1);
    expect(value(samples, 'modelgate_mlflow_request_duration_seconds_count', { endpoint: 'getModelVersion', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(value(samples, 'modelgate_pipeline_events_total', { status: 'FAILED', duplicate: 'false' })).toBe(1);
    expect(value(samples, 'modelgate_pipeline_events_total', { status: 'FAILED', duplicate: 'true' })).toBe(1);
    expect(value(samples, 'modelgate_notifications_total', { channel: 'email', outcome: 'delivered' })).toBe(2);
    expect(value(samples, 'modelgate_outbox_pending', {})).toEqual(expect.any(Number));
    expect(value(samples, 'modelgate_outbox_oldest_pending_seconds', {})).toEqual(expect.any(Number));
    expect(value(samples, 'modelgate_http_requests_total', { route: '/models/:name/versions/:version/promote', method: 'POST', status: '200' })).toBe(1);
  });

  it('never puts a model name, version, execution ARN or key name in a label', async () => {
    await t.request('GET', '/models/recsys/versions/3', { key: t.adminKey });
    mlflow.failWith(503, 'model-versions/get');
    try {
      await t.request('GET', '/models/recsys/versions/1', { key: t.adminKey });
    } finally {
      mlflow.clearFaults();
    }
    const samples = await scrape();
    expect(value(samples, 'modelgate_mlflow_request_duration_seconds_count', { endpoint: 'getModelVersion', outcome: 'unavailable' })).toBe(1);
    const unbounded = /recsys|churn|arn:|sched-|metrics-|^\d+$/;
    for (const s of samples) {
      for (const [name, v] of Object.entries(s.labels)) {
        expect(LABEL_NAMES).toContain(name);
        if (name === 'le' || name === 'status') continue; // bucket bounds and HTTP statuses are numbers by nature
        expect({ metric: s.name, label: name, value: v, unbounded: unbounded.test(v) }).toEqual({ metric: s.name, label: name, value: v, unbounded: false });
      }
    }
  });
});
