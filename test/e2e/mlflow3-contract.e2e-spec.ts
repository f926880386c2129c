import { Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeMlflow } from '../fakes/mlflow';
import { Exchange, FIXTURES_DIR_3, MlflowFixture, loadFixture, replay, substitute, withoutTimestamps } from '../fakes/mlflow/fixtures';
import { pythonJsonDumps } from '../fakes/mlflow/python-json';
import { mlflowSignature } from '../fakes/mlflow/webhook-signing';
import deliveriesFixture from '../fixtures/mlflow3/webhook-deliveries.json';

/**
 * The fake's 3.x personality against the captured answers of a real MLflow 3.11.2.dev0: every
 * request of test/fixtures/mlflow3/ is replayed in capture order on one fake; status, content type
 * and body must match, ids mapped to the fake's own and timestamps aside. Then the webhook
 * deliveries the fake sent must be written and signed like the 7 captured ones.
 */

const VERSION = '3.11.2.dev0';
const CAPTURED_HOOK_URL = 'http://127.0.0.1:5057/hook';
const load = (name: string) => loadFixture(name, FIXTURES_DIR_3);

/** A Python set in a message (`'{'b', 'a'}'`) lists its items in an order that varies by process: sort them. */
function sortedSets(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\{('[^']*'(?:, '[^']*')*)\}/g, (_, items: string) => `{${items.split(', ').sort().join(', ')}}`);
  if (Array.isArray(value)) return value.map(sortedSets);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sortedSets(v)]));
  return value;
}

function expectLike(actual: Exchange, fixture: MlflowFixture): void {
  expect({ status: actual.status, contentType: actual.contentType }).toEqual({ status: fixture.status, contentType: fixture.headers['content-type'] });
  expect(sortedSets(withoutTimestamps(actual.body))).toEqual(sortedSets(withoutTimestamps(fixture.response)));
}

interface Received {
  headers: Record<string, string>;
  body: string;
}

/** Stands where the capture's receiver stood: records each POST and answers `{"ok":true}`. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

describe('fake MLflow 3.x vs the cap-model capture', () => {
  let fake: FakeMlflow;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  /** Captured value → the fake's own (run id, webhook id, receiver URL). */
  const toFake: Record<string, string> = {};
  const toCaptured = () => Object.fromEntries(Object.entries(toFake).map(([k, v]) => [v, k]));

  /** Replays `name` with ids mapped; answers the exchange with the fake's ids mapped back. */
  async function step(name: string): Promise<Exchange> {
    const fixture = load(name);
    const answer = await replay(fake.url, fixture, toFake);
    const mapped = { ...answer, body: substitute(answer.body, toCaptured()) };
    expectLike(mapped, fixture);
    return answer;
  }
  const steps = async (...names: string[]) => {
    for (const name of names) await step(name);
  };

  beforeAll(async () => {
    fake = await FakeMlflow.start({ version: VERSION });
    receiver = await startReceiver();
    toFake[CAPTURED_HOOK_URL] = receiver.url;
  });
  afterAll(async () => {
    await fake.stop();
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  it('version answers 3.11.2.dev0 as text/html', async () => {
    await step('version');
  });

  it('tracking: experiment, a run created without start_time or user, log-batch', async () => {
    await step('experiments-create');
    const created = load('runs-create');
    const answer = await replay(fake.url, created);
    const runId = (answer.body as { run: { info: { run_id: string } } }).run.info.run_id;
    expect(runId).toMatch(/^[0-9a-f]{32}$/);
    toFake[(created.response as { run: { info: { run_id: string } } }).run.info.run_id] = runId;
    expectLike({ ...answer, body: substitute(answer.body, toCaptured()) }, created);
    await step('runs-log-batch');
  });

  it('registry writes, with the case-insensitive stage and the refused one', async () => {
    await steps(
      'registered-models-create',
      'model-versions-create-v1',
      'model-versions-create-v2',
      'transition-stage-v1-staging',
      'transition-stage-v1-production',
      'transition-stage-v2-production-lowercase',
      'transition-stage-bad-stage',
      'set-alias',
    );
  });

  it('reads: aliases on get-latest-versions entries only, inputs and outputs on runs', async () => {
    await steps('get-by-alias', 'registered-models-get', 'model-versions-search', 'model-versions-get', 'get-latest-versions', 'registered-models-search', 'runs-get');
  });

  it('delete-alias, then the errors', async () => {
    await steps(
      'delete-alias',
      'model-versions-get-unknown',
      'runs-get-unknown',
      'registered-models-get-unknown',
      'model-versions-search-stage-filter',
      'get-by-alias-missing',
    );
  });

  it('webhooks: create, the two refusals (500 page, 400), list, get, test', async () => {
    const created = load('webhooks-create');
    const answer = await replay(fake.url, created, toFake);
    toFake[(created.response as { webhook: { webhook_id: string } }).webhook.webhook_id] = (answer.body as { webhook: { webhook_id: string } }).webhook.webhook_id;
    expectLike({ ...answer, body: substitute(answer.body, toCaptured()) }, created);
    await steps('webhooks-create-lowercase-names', 'webhooks-create-stage-event', 'webhooks-list', 'webhooks-get', 'webhooks-test');
  });

  it('the writes after the webhook, which fire deliveries (transition-stage never does)', async () => {
    await steps(
      'model-versions-create-v3',
      'set-alias-staging',
      'transition-stage-v3-staging',
      'model-versions-create-v4',
      'set-alias-champion',
      'model-versions-set-tag',
      'transition-stage-v4-production',
      'delete-alias-champion',
      'registered-models-create-2',
    );
    await fake.webhooks.settled();
  });

  it('sent the captured deliveries, in order, written and signed as MLflow does (plus v3’s, which the capture’s cache missed)', () => {
    const sent = fake.webhooks.deliveries;
    expect(receiver.received.map((r) => r.body).sort()).toEqual(sent.map((d) => d.body).sort());
    const parsed = sent.map((d) => substitute(JSON.parse(d.body) as { entity: string; data: { version?: string }; timestamp: string }, toCaptured()));
    const normalised = parsed.map((p) => ({ ...p, timestamp: '<ts>' }));
    const v3 = normalised.findIndex((p) => p.data.version === '3' && p.entity === 'model_version');
    expect(normalised[v3]).toEqual({
      entity: 'model_version',
      action: 'created',
      timestamp: '<ts>',
      data: { name: 'cap-model', version: '3', source: 'runs:/7453f045937b4ea6b859bef53b097352/model', run_id: '7453f045937b4ea6b859bef53b097352', tags: {}, description: null },
    });
    expect(normalised.filter((_, i) => i !== v3)).toEqual(deliveriesFixture.deliveries.map((d) => ({ ...d.parsed, timestamp: '<ts>' })));
    for (const [i, d] of sent.entries()) {
      expect(parsed[i].timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?\+00:00$/);
      expect(d.body).toBe(pythonJsonDumps(JSON.parse(d.body)));
      expect(d.headers['x-mlflow-delivery-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(Math.abs(Number(d.headers['x-mlflow-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
      expect(d.headers['x-mlflow-signature']).toBe(mlflowSignature('s3cr3t', d.headers['x-mlflow-delivery-id'], d.headers['x-mlflow-timestamp'], d.body));
      expect(d.status).toBe(200);
    }
  });
});

describe('the captured deliveries themselves', () => {
  it.each(deliveriesFixture.deliveries.map((d, i) => [i + 1, d] as const))('delivery %i: body is json.dumps of its content, signed v1 with the secret', (_, d) => {
    expect(pythonJsonDumps(d.parsed)).toBe(d.body);
    expect(mlflowSignature(deliveriesFixture.secret, d.headers['x-mlflow-delivery-id'], d.headers['x-mlflow-timestamp'], d.body)).toBe(d.headers['x-mlflow-signature']);
  });

  it('json.dumps escapes like Python: quotes, control characters, non-ASCII and astral characters', () => {
    expect(pythonJsonDumps({ a: 'é"\\\n\u0001\u007f😀', b: [1, true, null], c: {} })).toBe('{"a": "\\u00e9\\"\\\\\\n\\u0001\\u007f\\ud83d\\ude00", "b": [1, true, null], "c": {}}');
  });
});

describe('the 2.9 personality', () => {
  it('has no webhook API (404 page) and answers runs/create without inputs', async () => {
    const fake = await FakeMlflow.start();
    try {
      const unknown = loadFixture('error-unknown-route');
      const res = await replay(fake.url, load('webhooks-create'));
      expect({ status: res.status, body: res.body }).toEqual({ status: unknown.status, body: unknown.response });
      fake.seed.experiment('cap-exp');
      const run = await replay(fake.url, load('runs-create'));
      expect(Object.keys(run.body as object)).toEqual(['run']);
      expect(Object.keys((run.body as { run: object }).run)).toEqual(['info', 'data']);
    } finally {
      await fake.stop();
    }
  });
});
