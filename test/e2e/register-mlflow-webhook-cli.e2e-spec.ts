import { FakeMlflow } from '../fakes/mlflow';
import { refusedPortUrl } from '../fakes/gate/fake-gate-server';
import { lines, runAdmin } from '../helpers/admin-cli';
import { TestApp, startTestApp } from '../helpers/test-app';

const SECRET = 'whsec-cli-0123456789abcdef';
const TOKEN = 'mlflow-token-abcdef0123456789';
const PUBLIC_URL = 'https://modelgate.example.com/webhooks/mlflow';
const SIX = ['MODEL_VERSION.CREATED', 'MODEL_VERSION_ALIAS.CREATED', 'MODEL_VERSION_ALIAS.DELETED', 'MODEL_VERSION_TAG.DELETED', 'MODEL_VERSION_TAG.SET', 'REGISTERED_MODEL.CREATED'];

describe('modelgate-admin register-mlflow-webhook', () => {
  let mlflow: FakeMlflow;
  let t: TestApp;

  const env = (extra: Record<string, string> = {}) => ({ MLFLOW_TRACKING_URI: mlflow.url, MLFLOW_TRACKING_TOKEN: TOKEN, MLFLOW_WEBHOOK_SECRET: SECRET, ...extra });
  const register = (args: string[] = [], extra: Record<string, string> = {}) =>
    runAdmin(['register-mlflow-webhook', '--url', PUBLIC_URL, ...args], env(extra), [SECRET, TOKEN, extra.MLFLOW_WEBHOOK_SECRET ?? SECRET]);
  const hooks = () => [...mlflow.webhooks.hooks.values()];
  const writes = () => mlflow.requests.filter((r) => r.method !== 'GET').map((r) => ({ method: r.method, path: r.path.replace(/\/[0-9a-f-]{36}/, '/<id>'), body: r.body }));

  beforeAll(async () => {
    t = await startTestApp({ listen: true, env: { MLFLOW_WEBHOOK_SECRET: SECRET } });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    mlflow = await FakeMlflow.start({ version: '3.11.2.dev0', auth: { token: TOKEN } });
  });
  afterEach(() => mlflow.stop());

  it('creates the webhook for the six events with the secret, then finds it unchanged and writes nothing', async () => {
    const first = await register();
    expect(first.code).toBe(0);
    expect(lines(first.stdout)).toEqual([expect.stringMatching(/^webhook modelgate: created \(id [0-9a-f-]{36}, https:\/\/modelgate\.example\.com\/webhooks\/mlflow\)$/)]);
    expect(hooks()).toHaveLength(1);
    const [hook] = hooks();
    expect({ name: hook.name, url: hook.url, status: hook.status, secret: hook.secret }).toEqual({ name: 'modelgate', url: PUBLIC_URL, status: 'ACTIVE', secret: SECRET });
    expect(hook.events.map((e) => `${e.entity}.${e.action}`).sort()).toEqual(SIX);
    expect(hook.description).toMatch(/^modelgate: drift checks on registry events \(secret fingerprint [0-9a-f]{16}\)$/);

    mlflow.clearRequests();
    const again = await register();
    expect({ code: again.code, out: lines(again.stdout) }).toEqual({ code: 0, out: [`webhook modelgate: unchanged (id ${hook.id}, ${PUBLIC_URL})`] });
    expect(writes()).toEqual([]);
  });

  it('updates only what differs: the url, events and status changed in MLflow (a bare --url gets the path), then a new secret', async () => {
    await register();
    const [hook] = hooks();
    hook.url = 'https://old.example.com/webhooks/mlflow';
    hook.events = hook.events.slice(0, 2);
    hook.status = 'DISABLED';
    mlflow.clearRequests();
    const dry = await register(['--url', 'https://modelgate.example.com/', '--dry-run']);
    expect({ code: dry.code, out: lines(dry.stdout), writes: writes() }).toEqual({ code: 0, out: ['webhook modelgate: would update: url, events, status'], writes: [] });
    const fixed = await register(['--url', 'https://modelgate.example.com/']);
    expect(lines(fixed.stdout)).toEqual([`webhook modelgate: updated: url, events, status (id ${hook.id}, ${PUBLIC_URL})`]);
    expect(writes()).toEqual([{ method: 'PATCH', path: '/api/2.0/mlflow/webhooks/<id>', body: { url: PUBLIC_URL, events: expect.any(Array), status: 'ACTIVE' } }]);
    expect(hook.events.map((e) => `${e.entity}.${e.action}`).sort()).toEqual(SIX);

    mlflow.clearRequests();
    const rotated = await register([], { MLFLOW_WEBHOOK_SECRET: 'a-brand-new-secret-42' });
    expect(lines(rotated.stdout)).toEqual([expect.stringMatching(/^webhook modelgate: updated: secret \(id /)]);
    expect(writes()).toEqual([{ method: 'PATCH', path: '/api/2.0/mlflow/webhooks/<id>', body: { description: expect.stringContaining('secret fingerprint'), secret: 'a-brand-new-secret-42' } }]);
    expect(hook.secret).toBe('a-brand-new-secret-42');
    expect(hooks()).toHaveLength(1);
  });

  it('with --test, has MLflow send a signed test delivery that modelgate accepts; a secret modelgate lacks fails it (exit 1)', async () => {
    const url = `${t.baseUrl}/webhooks/mlflow`;
    const ok = await register(['--url', url, '--test']);
    expect({ code: ok.code, out: lines(ok.stdout)[1] }).toEqual({ code: 0, out: 'test delivery: modelgate answered HTTP 200' });
    const wrong = await register(['--url', url, '--test'], { MLFLOW_WEBHOOK_SECRET: 'not-what-modelgate-has' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('test delivery not accepted: modelgate answered HTTP 401');
    expect(wrong.stderr).toContain('INVALID_SIGNATURE');
  });

  it('says so and exits 1 against MLflow older than 3.3, without touching it', async () => {
    const old = await FakeMlflow.start();
    try {
      const run = await runAdmin(['register-mlflow-webhook', '--url', PUBLIC_URL], { MLFLOW_TRACKING_URI: old.url, MLFLOW_WEBHOOK_SECRET: SECRET }, [SECRET]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('MLflow 2.9.2 has no webhooks (they came in 3.3)');
      expect(old.requests.map((r) => r.path)).toEqual(['/version']);
    } finally {
      await old.stop();
    }
  });

  it('exits 2 when MLflow cannot be reached or fails a write (sent once), 1 when it refuses the credentials or a call; reads are retried', async () => {
    const down = await runAdmin(['register-mlflow-webhook', '--url', PUBLIC_URL], { MLFLOW_TRACKING_URI: await refusedPortUrl(), MLFLOW_WEBHOOK_SECRET: SECRET }, [SECRET]);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/cannot reach MLflow at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);

    const badToken = await register([], { MLFLOW_TRACKING_TOKEN: 'wrong-token-123' });
    expect(badToken.code).toBe(1);
    expect(badToken.stderr).toContain('MLflow answered GET /version with HTTP 401');

    mlflow.failNext(1, 503, 'webhooks');
    mlflow.failNext(1, 400, 'webhooks');
    const refused = await register();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('MLflow answered GET /api/2.0/mlflow/webhooks with HTTP 400 INTERNAL_ERROR');
    mlflow.failNext(1, 503, 'webhooks');
    mlflow.clearRequests();
    expect((await register([])).code).toBe(0);
    const [hook] = hooks();
    hook.url = 'https://old.example.com/hook';
    mlflow.clearRequests();
    mlflow.failNext(1, 503, '/webhooks/');
    const lost = await register();
    expect(lost.code).toBe(2);
    expect(lost.stderr).toContain('MLflow answered PATCH /api/2.0/mlflow/webhooks/');
    expect(writes().filter((w) => w.method === 'PATCH')).toHaveLength(1);
  });

  it('refuses bad arguments with exit 2, naming each problem and no secret', async () => {
    const run = await runAdmin(['register-mlflow-webhook', '--url', 'http://modelgate.example.com/webhooks/mlflow', '--name', 'bad name'], { MLFLOW_TRACKING_USERNAME: 'u' }, [SECRET]);
    expect(run.code).toBe(2);
    for (const problem of ['--url must use https', '--name must be', 'set MLFLOW_WEBHOOK_SECRET', 'set MLFLOW_TRACKING_URI']) expect(run.stderr).toContain(problem);
    const pasted = await runAdmin(['register-mlflow-webhook', SECRET], env(), [SECRET]);
    expect(pasted.code).toBe(2);
  });

  it('prints its help', async () => {
    const run = await runAdmin(['register-mlflow-webhook', '--help'], {}, []);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Exit codes:');
    const top = await runAdmin(['--help'], {}, []);
    expect(top.stdout).toContain('register-mlflow-webhook');
  });
});
