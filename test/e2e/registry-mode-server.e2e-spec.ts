import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeMlflow } from '../fakes/mlflow';
import { promote, projectYaml, putProject } from '../helpers/promotions';
import { modelSection, stageInMlflow } from '../helpers/registry-modes';
import { TestApp, expectError, startTestApp } from '../helpers/test-app';
import { withDatabase } from '../helpers/test-database';

const OLD_MLFLOW = '2.2.2';
const yaml = (name: string, mode: 'stages' | 'aliases') => projectYaml(name, name).replace(`model: { name: ${name} }`, modelSection(name, mode));
const put = (t: TestApp, name: string, text: string) => t.request('PUT', `/projects/${name}`, { raw: { payload: text, contentType: 'application/yaml' } });

describe('aliases mode needs MLflow 2.3: a 2.2 server refuses it at config load', () => {
  let mlflow: FakeMlflow;
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    mlflow = await FakeMlflow.start({ version: OLD_MLFLOW });
    mlflow.seed.modelVersion({ name: 'legacy' });
    dir = mkdtempSync(join(tmpdir(), 'modelgate-projects-'));
    mkdirSync(join(dir, 'filed'));
    writeFileSync(join(dir, 'filed', 'config.yaml'), yaml('filed', 'aliases'));
    t = await startTestApp({ env: { MLFLOW_TRACKING_URI: mlflow.url, PROJECTS_DIR: dir } });
  });
  afterAll(async () => {
    await t?.close();
    await mlflow?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a PUT in aliases mode with INVALID_PROJECT_CONFIG naming the version; stages mode is fine', async () => {
    const body = expectError(await put(t, 'modern', yaml('modern', 'aliases')), 400, 'INVALID_PROJECT_CONFIG');
    expect(body.details).toEqual([{ path: 'model.registry', message: expect.stringMatching(/MLflow has since 2\.3.*is 2\.2\.2/) }]);
    expect((await t.request('GET', '/projects/modern')).status).toBe(404);
    const validated = await t.request('POST', '/projects/validate', { raw: { payload: yaml('modern', 'aliases'), contentType: 'application/yaml' } });
    expect(validated.body).toMatchObject({ valid: false, problems: [{ path: 'model.registry' }] });
    expect((await put(t, 'legacy', yaml('legacy', 'stages'))).status).toBe(201);
    const alice = await t.createKey('alice', ['promoter']);
    expect((await promote(t, alice, 'legacy', 1, 'Staging')).body).toMatchObject({ status: 'completed' });
  });

  it('reads a project saved before these settings existed as stages mode, with their defaults', async () => {
    await withDatabase(t.databaseUrl, (db) => db.query(`UPDATE projects SET resolved = resolved - 'registry' - 'stageAliases' - 'provenanceTags' WHERE name = 'legacy'`));
    expect((await t.request('GET', '/projects/legacy')).body.resolved).toMatchObject({
      model_registry: 'stages',
      stage_aliases: { Staging: 'challenger', Production: 'champion' },
      provenance_tags: true,
    });
  });

  it('refuses such a file in PROJECTS_DIR, listed in GET /projects/_errors as files are', async () => {
    expect((await t.request('GET', '/projects/filed')).status).toBe(404);
    expect((await t.request('GET', '/projects/_errors')).body.items).toEqual([
      { file: 'filed/config.yaml', problems: [{ path: 'model.registry', message: expect.stringContaining('2.3') }], checked_at: expect.any(String) },
    ]);
  });
});

describe('MLflow unreachable at config load, then answering 2.2: the project is stored but refused', () => {
  let mlflow: FakeMlflow;
  let t: TestApp;
  let alice: string;
  let ci: string;

  beforeAll(async () => {
    mlflow = await FakeMlflow.start({ version: OLD_MLFLOW });
    for (const model of ['modern', 'legacy']) mlflow.seed.modelVersion({ name: model });
    mlflow.failWith('drop');
    t = await startTestApp({ env: { MLFLOW_TRACKING_URI: mlflow.url } });
    alice = await t.createKey('alice', ['promoter']);
    ci = await t.createKey('ci', ['ci']);
  });
  afterAll(async () => {
    await t?.close();
    await mlflow?.stop();
  });

  it('asks MLflow its version at start, before any config load or readiness probe', async () => {
    const deadline = Date.now() + 2000;
    while (!mlflow.requests.some((r) => r.path === '/version') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(mlflow.requests.map((r) => r.path)).toEqual(['/version']);
  });

  it('accepts the config with a warning, then refuses its promotions and gate with 409 PROJECT_CONFIG_REFUSED once MLflow answers', async () => {
    const saved = await put(t, 'modern', yaml('modern', 'aliases'));
    expect(saved.status).toBe(201);
    expect(saved.body.warnings).toEqual([{ path: 'model.registry', message: expect.stringContaining('checked when it answers') }]);
    expect((await put(t, 'legacy', yaml('legacy', 'stages'))).status).toBe(201);
    expect((await t.request('GET', '/projects/_errors')).body.items).toEqual([]);

    mlflow.clearFaults();
    const ready = await t.request('GET', '/health/ready');
    expect(ready.body.details.mlflow).toMatchObject({ status: 'up', version: OLD_MLFLOW });

    const refused = expectError(await promote(t, alice, 'modern', 1, 'Staging'), 409, 'PROJECT_CONFIG_REFUSED');
    expect(refused.message).toMatch(/modern.*model\.registry.*2\.3/);
    const gate = expectError(await t.request('POST', '/deploy-gate', { key: ci, body: { project: 'modern', env: 'prd' } }), 409, 'PROJECT_CONFIG_REFUSED');
    expect(gate).toMatchObject({ allowed: false, decision_id: expect.any(String), reasons: [refused.message] });
    expectError(await t.request('POST', '/models/modern/rollback', { key: alice, body: { reason: 'try' } }), 409, 'PROJECT_CONFIG_REFUSED');
    expect(mlflow.requestsTo('registered-models/alias')).toEqual([]);
    expect((await t.request('GET', '/projects/modern')).status).toBe(200);
    expect((await t.request('GET', '/projects/_errors')).body.items).toEqual([
      { project: 'modern', source_path: null, problems: [{ path: 'model.registry', message: expect.stringContaining('2.2.2') }] },
    ]);
    // A project in stages mode on the same server is unaffected.
    expect((await promote(t, alice, 'legacy', 1, 'Staging')).body).toMatchObject({ status: 'completed' });
  });
});

describe.each(['2.9.2', '3.11.2.dev0'])('a project in aliases mode next to one in stages mode, on one MLflow %s', (personality) => {
  let mlflow: FakeMlflow;
  let t: TestApp;

  beforeAll(async () => {
    mlflow = await FakeMlflow.start({ version: personality });
    for (const model of ['modern', 'legacy']) for (let i = 0; i < 2; i++) mlflow.seed.modelVersion({ name: model });
    t = await startTestApp({ env: { MLFLOW_TRACKING_URI: mlflow.url } });
    await putProject(t, 'modern', yaml('modern', 'aliases'));
    await putProject(t, 'legacy', yaml('legacy', 'stages'));
  });
  afterAll(async () => {
    await t?.close();
    await mlflow?.stop();
  });

  it('keeps each project in its own terms: aliases for one, stages for the other, and the gate names each its way', async () => {
    const alice = await t.createKey('alice', ['promoter']);
    const ci = await t.createKey('ci', ['ci']);
    for (const model of ['modern', 'legacy']) {
      for (const [v, target] of [[1, 'Staging'], [1, 'Production'], [2, 'Staging'], [2, 'Production']] as const) {
        expect((await promote(t, alice, model, v, target)).body).toMatchObject({ status: 'completed' });
      }
    }
    const registry = mlflow.state.registry;
    expect([1, 2].map((v) => registry.version('modern', v).currentStage)).toEqual(['None', 'None']);
    expect([1, 2].map((v) => stageInMlflow(mlflow, 'aliases', 'modern', v))).toEqual(['Archived', 'Production']);
    expect([1, 2].map((v) => registry.version('legacy', v).currentStage)).toEqual(['Archived', 'Production']);
    expect(Object.fromEntries(registry.model('legacy').aliases)).toEqual({});
    const uri = async (project: string) => (await t.request('POST', '/deploy-gate', { key: ci, body: { project, env: 'prd' } })).body.model_uri;
    expect([await uri('modern'), await uri('legacy')]).toEqual(['models:/modern@champion', 'models:/legacy/Production']);
    expect(mlflow.requestsTo('model-versions/transition-stage').map((r) => (r.body as { name: string }).name)).toEqual(Array(4).fill('legacy'));
  });
});
