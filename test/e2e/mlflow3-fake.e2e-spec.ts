import { Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeMlflow } from '../fakes/mlflow';
import { mlflowSignature } from '../fakes/mlflow/webhook-signing';
import { REGISTRY_EVENTS } from '../helpers/registry-modes';

/** The 3.x fake beyond the capture: webhook updates and status, and the out-of-band door. */

const API = '/api/2.0/mlflow';

async function call(fake: FakeMlflow, method: string, path: string, body?: unknown) {
  const res = await fetch(`${fake.url}${API}/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: res.headers.get('content-type') === 'application/json' ? JSON.parse(text) : text };
}

describe('fake MLflow 3.x: webhooks and the out-of-band door', () => {
  let fake: FakeMlflow;
  let sink: Server;
  let sinkUrl: string;
  const events = () => fake.webhooks.deliveries.map((d) => JSON.parse(d.body) as { entity: string; action: string; data: Record<string, unknown> });

  beforeAll(async () => {
    sink = createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise((resolve) => sink.close(resolve)));
  beforeEach(async () => {
    fake = await FakeMlflow.start({ version: '3.11.2.dev0' });
    fake.seed.recsysScenario();
  });
  afterEach(() => fake.stop());

  it('door: a stage move (with or without archiving) fires nothing; alias, tag and version changes fire signed deliveries', async () => {
    const hook = (await call(fake, 'POST', 'webhooks', { name: 'mg', url: sinkUrl, events: REGISTRY_EVENTS, secret: 'topsecret' })).body.webhook;
    expect(hook).not.toHaveProperty('secret');
    fake.outOfBand.transition('recsys', 3, 'Staging');
    fake.outOfBand.transition('recsys', 3, 'Production', { archiveExisting: true });
    const stage = (v: number) => fake.state.registry.version('recsys', v).currentStage;
    expect([stage(2), stage(3)]).toEqual(['Archived', 'Production']);
    fake.outOfBand.setAlias('recsys', 'champion', 3);
    fake.outOfBand.deleteAlias('recsys', 'champion');
    fake.outOfBand.setTag('recsys', 3, 'validation_status', 'passed');
    fake.outOfBand.deleteTag('recsys', 3, 'validation_status');
    expect(fake.outOfBand.createVersion('recsys')).toBe('4');
    await fake.webhooks.settled();
    expect(events().map((e) => [`${e.entity}.${e.action}`, e.data])).toEqual([
      ['model_version_alias.created', { name: 'recsys', alias: 'champion', version: '3' }],
      ['model_version_alias.deleted', { name: 'recsys', alias: 'champion' }],
      ['model_version_tag.set', { name: 'recsys', version: '3', key: 'validation_status', value: 'passed' }],
      ['model_version_tag.deleted', { name: 'recsys', version: '3', key: 'validation_status' }],
      ['model_version.created', { name: 'recsys', version: '4', source: 's3://models/recsys', run_id: null, tags: {}, description: null }],
    ]);
    for (const d of fake.webhooks.deliveries) {
      expect(d.status).toBe(204);
      expect(d.headers['x-mlflow-signature']).toBe(mlflowSignature('topsecret', d.headers['x-mlflow-delivery-id'], d.headers['x-mlflow-timestamp'], d.body));
    }
    expect(fake.requests).toEqual([expect.objectContaining({ path: `${API}/webhooks` })]);
  });

  it('delivers only subscribed events to active webhooks; PATCH changes events, url and status, keeping the rest', async () => {
    const created = (await call(fake, 'POST', 'webhooks', { name: 'mg', url: 'https://elsewhere.example/hook', events: [REGISTRY_EVENTS[0]] })).body.webhook;
    fake.outOfBand.setAlias('recsys', 'champion', 2);
    const patched = await call(fake, 'PATCH', `webhooks/${created.webhook_id}`, { url: sinkUrl, events: [REGISTRY_EVENTS[1]] });
    expect(patched.body.webhook).toEqual({ ...created, url: sinkUrl, events: [REGISTRY_EVENTS[1]], last_updated_timestamp: expect.any(Number) });
    fake.outOfBand.setAlias('recsys', 'champion', 3);
    await fake.webhooks.settled();
    expect(fake.webhooks.deliveries).toHaveLength(1);
    expect(fake.webhooks.deliveries[0].headers).not.toHaveProperty('x-mlflow-signature');

    expect((await call(fake, 'PATCH', `webhooks/${created.webhook_id}`, { status: 'DISABLED' })).body.webhook.status).toBe('DISABLED');
    fake.outOfBand.setAlias('recsys', 'champion', 1);
    await fake.webhooks.settled();
    expect(fake.webhooks.deliveries).toHaveLength(1);
  });

  it('redelivers a delivery byte for byte, as MLflow retrying would', async () => {
    await call(fake, 'POST', 'webhooks', { name: 'mg', url: sinkUrl, events: REGISTRY_EVENTS, secret: 's' });
    fake.outOfBand.setTag('recsys', 1, 'k', 'v');
    await fake.webhooks.settled();
    const again = await fake.webhooks.redeliver(fake.webhooks.deliveries[0]);
    expect({ headers: again.headers, body: again.body, status: again.status }).toEqual({ headers: fake.webhooks.deliveries[0].headers, body: fake.webhooks.deliveries[0].body, status: 204 });
    expect(fake.webhooks.deliveries).toHaveLength(2);
  });
});
