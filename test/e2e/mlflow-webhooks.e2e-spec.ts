import { randomUUID } from 'node:crypto';
import { DriftCheckRequests } from '../../src/registry-watch/drift-check-requests';
import { WebhookDeliveryPurgeJob } from '../../src/registry-watch/webhooks/webhook-delivery-purge.job';
import { FakeMlflow, SignedDelivery, mlflowSignature, signedDelivery } from '../fakes/mlflow';
import { projectYaml, putProject } from '../helpers/promotions';
import { registerWebhook } from '../helpers/registry-modes';
import { TestApp, expectError, startTestApp } from '../helpers/test-app';
import { withDatabase } from '../helpers/test-database';

const SECRET = 'whsec-modelgate-e2e-0123456789';
const ALIAS_EVENT = { name: 'recsys', alias: 'champion', version: '2' };

describe('POST /webhooks/mlflow: signed MLflow 3.x deliveries ask for drift checks', () => {
  let mlflow: FakeMlflow;
  let t: TestApp;
  let checks: jest.SpyInstance;

  const post = (d: SignedDelivery, headers: Record<string, string> = d.headers) =>
    t.request('POST', '/webhooks/mlflow', { key: null, raw: { payload: d.body, contentType: 'application/json' }, headers });
  const stored = (deliveryId: string) =>
    withDatabase(t.databaseUrl, async (db) => (await db.query('SELECT event, model, drift_check_requested FROM mlflow_webhook_deliveries WHERE delivery_id = $1', [deliveryId])).rows);
  /** Runs `change` out of band and answers the deliveries it caused, once modelgate answered them. */
  const outOfBand = async (change: () => void) => {
    const before = mlflow.webhooks.deliveries.length;
    change();
    await mlflow.webhooks.settled();
    return mlflow.webhooks.deliveries.slice(before);
  };

  beforeAll(async () => {
    mlflow = await FakeMlflow.start({ version: '3.11.2.dev0' });
    mlflow.seed.recsysScenario();
    mlflow.seed.modelVersion({ name: 'scratch' });
    t = await startTestApp({ listen: true, env: { MLFLOW_TRACKING_URI: mlflow.url, MLFLOW_WEBHOOK_SECRET: SECRET } });
    await putProject(t, 'recsys', projectYaml('recsys', 'recsys'));
    await registerWebhook(mlflow, `${t.baseUrl}/webhooks/mlflow`, SECRET);
    checks = jest.spyOn(t.app.get(DriftCheckRequests), 'checkSoon');
  });
  afterAll(async () => {
    await t.close();
    await mlflow.stop();
  });
  beforeEach(() => checks.mockClear());

  it('an alias moved in MLflow reaches modelgate signed, which asks for a drift check of recsys within a second', async () => {
    const started = Date.now();
    const [delivery] = await outOfBand(() => mlflow.outOfBand.setAlias('recsys', 'champion', 3));
    expect({ status: delivery.status, body: delivery.responseBody }).toEqual({ status: 200, body: '{"accepted":true}' });
    expect(checks.mock.calls).toEqual([['recsys']]);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await stored(delivery.headers['x-mlflow-delivery-id'])).toEqual([{ event: 'model_version_alias.created', model: 'recsys', drift_check_requested: true }]);
  });

  it('asks again for each alias deletion, tag set or deletion, and new version', async () => {
    const deliveries = await outOfBand(() => {
      mlflow.outOfBand.deleteAlias('recsys', 'champion');
      mlflow.outOfBand.setTag('recsys', 2, 'validation_status', 'failed');
      mlflow.outOfBand.deleteTag('recsys', 2, 'validation_status');
      mlflow.outOfBand.createVersion('recsys');
    });
    expect(deliveries.map((d) => d.status)).toEqual([200, 200, 200, 200]);
    expect(checks.mock.calls).toEqual([['recsys'], ['recsys'], ['recsys'], ['recsys']]);
  });

  it('gets nothing for a stage moved out of band (MLflow sends no webhook for it: polling sees it)', async () => {
    expect(await outOfBand(() => mlflow.outOfBand.transition('recsys', 3, 'Production', { archiveExisting: true }))).toEqual([]);
    expect(checks).not.toHaveBeenCalled();
  });

  it('accepts a delivery about a model no project claims, and asks for no check', async () => {
    const [delivery] = await outOfBand(() => mlflow.outOfBand.setTag('scratch', 1, 'k', 'v'));
    expect(delivery.status).toBe(200);
    expect(checks).not.toHaveBeenCalled();
    expect(await stored(delivery.headers['x-mlflow-delivery-id'])).toEqual([{ event: 'model_version_tag.set', model: 'scratch', drift_check_requested: false }]);
  });

  it('answers a repeated delivery id 200 and does nothing twice (MLflow retrying after a lost answer)', async () => {
    const [first] = await outOfBand(() => mlflow.outOfBand.setAlias('recsys', 'champion', 2));
    const again = await mlflow.webhooks.redeliver(first);
    expect({ status: again.status, body: again.responseBody }).toEqual({ status: 200, body: '{"accepted":true}' });
    expect(checks.mock.calls).toEqual([['recsys']]);
    expect(await stored(first.headers['x-mlflow-delivery-id'])).toHaveLength(1);
  });

  it.each([
    ['signed with another secret', () => signedDelivery('model_version_alias.created', ALIAS_EVENT, 'not-the-secret'), 'bad_signature'],
    ['unsigned', () => signedDelivery('model_version_alias.created', ALIAS_EVENT, undefined), 'missing_headers'],
    ['signed 6 minutes ago', () => signedDelivery('model_version_alias.created', ALIAS_EVENT, SECRET, { at: new Date(Date.now() - 6 * 60_000) }), 'stale_timestamp'],
    ['signed 6 minutes ahead', () => signedDelivery('model_version_alias.created', ALIAS_EVENT, SECRET, { at: new Date(Date.now() + 6 * 60_000) }), 'stale_timestamp'],
  ])('refuses a delivery %s: 401 INVALID_SIGNATURE, nothing stored, no check', async (_, make, problem) => {
    const d = make();
    const body = expectError(await post(d), 401, 'INVALID_SIGNATURE');
    expect(body.details).toEqual({ problem });
    expect(await stored(d.headers['x-mlflow-delivery-id'])).toEqual([]);
    expect(checks).not.toHaveBeenCalled();
  });

  it('verifies the raw body: the same JSON re-serialised (no spaces) is refused', async () => {
    const d = signedDelivery('model_version_alias.created', ALIAS_EVENT, SECRET);
    const compact = { ...d, body: JSON.stringify(JSON.parse(d.body)) };
    expectError(await post(compact), 401, 'INVALID_SIGNATURE');
    expect((await post(d)).body).toEqual({ accepted: true });
    expect(checks.mock.calls).toEqual([['recsys']]);
  });

  it('checks the signature before reading the body: an unsigned non-JSON body is 401, a signed one 400 INVALID_WEBHOOK_PAYLOAD', async () => {
    const unsigned = { ...signedDelivery('model_version.created', {}, undefined), body: '{"entity": ' };
    expectError(await post(unsigned), 401, 'INVALID_SIGNATURE');
    for (const body of ['{"entity": ', '[1, 2]', '{"entity": "MODEL_VERSION", "action": "CREATED"}']) {
      const [id, ts] = [randomUUID(), String(Math.floor(Date.now() / 1000))];
      const headers = { 'content-type': 'application/json', 'x-mlflow-delivery-id': id, 'x-mlflow-timestamp': ts, 'x-mlflow-signature': mlflowSignature(SECRET, id, ts, body) };
      expectError(await post({ headers, body }), 400, 'INVALID_WEBHOOK_PAYLOAD');
      expect(await stored(id)).toEqual([]);
    }
    expect(checks).not.toHaveBeenCalled();
  });

  it('keeps parsing JSON on every other route (INVALID_JSON), the raw body being this route’s alone', async () => {
    const res = await t.request('POST', '/models/recsys/versions/1/promote', { raw: { payload: '{"stage": ', contentType: 'application/json' } });
    expectError(res, 400, 'INVALID_JSON');
  });

  it('forgets deliveries received more than 3 days ago, daily', async () => {
    const [recent] = await outOfBand(() => mlflow.outOfBand.setTag('scratch', 1, 'k', 'w'));
    await withDatabase(t.databaseUrl, (db) =>
      db.query(`INSERT INTO mlflow_webhook_deliveries (delivery_id, event, drift_check_requested, received_at) VALUES ('old-1', 'model_version.created', false, now() - interval '73 hours')`),
    );
    expect(await t.app.get(WebhookDeliveryPurgeJob).runOnce()).toBeGreaterThanOrEqual(1);
    expect(await stored('old-1')).toEqual([]);
    expect(await stored(recent.headers['x-mlflow-delivery-id'])).toHaveLength(1);
  });
});

describe('POST /webhooks/mlflow without MLFLOW_WEBHOOK_SECRET', () => {
  it('refuses even a well-formed signed delivery, storing nothing', async () => {
    const t = await startTestApp();
    try {
      const d = signedDelivery('model_version_alias.created', ALIAS_EVENT, SECRET);
      const res = await t.request('POST', '/webhooks/mlflow', { key: null, raw: { payload: d.body, contentType: 'application/json' }, headers: d.headers });
      expect(expectError(res, 401, 'INVALID_SIGNATURE').details).toEqual({ problem: 'no_secret' });
      const rows = await withDatabase(t.databaseUrl, async (db) => (await db.query('SELECT count(*)::int AS n FROM mlflow_webhook_deliveries')).rows[0].n);
      expect(rows).toBe(0);
    } finally {
      await t.close();
    }
  });
});
