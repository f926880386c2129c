import { DriftWatcher } from '../../src/registry-watch/drift-watcher';
import { FakeMlflow } from '../fakes/mlflow';
import { projectYaml, putProject } from '../helpers/promotions';
import { TestApp, startTestApp } from '../helpers/test-app';

const SECRET = 'whsec-drift-e2e-0123456789';
const ALIAS_EVENTS = [
  { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
  { entity: 'MODEL_VERSION_ALIAS', action: 'DELETED' },
];

describe('registry drift on MLflow 3.3+: an alias moved out of band is caught through the webhook, within a second', () => {
  let mlflow: FakeMlflow;
  let t: TestApp;

  beforeAll(async () => {
    mlflow = await FakeMlflow.start({ version: '3.11.2.dev0' });
    mlflow.seed.modelVersion({ name: 'ranker', stage: 'Production', aliases: ['production'] });
    mlflow.seed.modelVersion({ name: 'ranker', stage: 'Staging' });
    // An interval far beyond the test: only the webhook can make the check happen.
    t = await startTestApp({ listen: true, env: { MLFLOW_TRACKING_URI: mlflow.url, MLFLOW_WEBHOOK_SECRET: SECRET, DRIFT_CHECK_INTERVAL_S: '3600' } });
    await putProject(t, 'ranker', projectYaml('ranker', 'ranker').replace('model: { name: ranker }', 'model: { name: ranker, aliases: true }'));
    const hook = await fetch(`${mlflow.url}/api/2.0/mlflow/webhooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'modelgate', url: `${t.baseUrl}/webhooks/mlflow`, events: ALIAS_EVENTS, secret: SECRET }),
    });
    expect(hook.status).toBe(200);
    expect(await t.app.get(DriftWatcher).checkModel('ranker')).toMatchObject({ outcome: 'baseline' });
  });
  afterAll(async () => {
    await t?.close();
    await mlflow?.stop();
  });

  it('records the alias drift of both versions, audited, without waiting for DRIFT_CHECK_INTERVAL_S', async () => {
    const started = Date.now();
    mlflow.outOfBand.setAlias('ranker', 'production', 2);
    let open: any[] = [];
    while (open.length < 2 && Date.now() - started < 5000) {
      await new Promise((r) => setTimeout(r, 20));
      open = (await t.request('GET', '/drift', { query: { project: 'ranker', status: 'open' } })).body.items;
    }
    const elapsedMs = Date.now() - started;
    expect(open.map((d) => [d.version, d.expected_stage, d.observed_stage, d.expected_aliases, d.observed_aliases])).toEqual([
      ['2', 'Staging', 'Staging', [], ['production']],
      ['1', 'Production', 'Production', ['production'], []],
    ]);
    expect(elapsedMs).toBeLessThan(1000);
    const audit = (await t.request('GET', '/audit', { query: { model: 'ranker', action: 'registry.drift_detected' } })).body.items;
    expect(audit.map((e: any) => [e.version, e.details.expected_aliases, e.details.observed_aliases])).toEqual([
      ['2', [], ['production']],
      ['1', ['production'], []],
    ]);
  });
});
