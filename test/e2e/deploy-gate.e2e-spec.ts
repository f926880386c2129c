import { join } from 'node:path';
import { DomainEvents } from '../../src/common/domain-events';
import { FakeMlflow } from '../fakes/mlflow';
import { withDatabase } from '../helpers/test-database';
import { TestApp, expectError, startTestApp } from '../helpers/test-app';

const PROJECTS_DIR = join(__dirname, '..', 'fixtures', 'projects');
const MINIMAL_PROJECT = { version: '1', schedule: { enabled: false }, batch: { pipeline: { steps: [{ id: 'a' }] } } };

describe('deploy gate', () => {
  let mlflow: FakeMlflow;
  let t: TestApp;
  let ci: string;
  const ask = (body: Record<string, unknown>, key = ci) => t.request('POST', '/deploy-gate', { key, body });

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    mlflow.seed.recsysScenario('stages'); // v1 Archived, v2 Production, v3 None
    mlflow.seed.modelVersion({ name: 'churn-classifier', stage: 'Staging' });
    t = await startTestApp({ env: { MLFLOW_TRACKING_URI: mlflow.url, MLFLOW_TIMEOUT_MS: '800', PROJECTS_DIR } });
    ci = await t.createKey('ci-github', ['ci']);
  });
  afterAll(async () => {
    await t.close();
    await mlflow.stop();
  });
  afterEach(() => mlflow.clearFaults());

  it('allows prd when the model has a Production version, and names it', async () => {
    const res = await ask({ project: 'recsys', env: 'prd', commit: 'abc123', pipeline_url: 'https://ci.example.com/runs/1' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      allowed: true,
      decision_id: expect.any(String),
      project: 'recsys',
      env: 'prd',
      model: 'recsys',
      version: '2',
      stage: 'Production',
      run_id: 'ed05795590e24488a69b5496e4bfe9f1',
      source: 'runs:/ed05795590e24488a69b5496e4bfe9f1/model',
      model_uri: 'models:/recsys/Production',
      version_uri: 'models:/recsys/2',
    });
    const rows = await withDatabase(t.databaseUrl, (db) => db.query('SELECT * FROM deploy_decisions WHERE id = $1', [res.body.decision_id]));
    expect(rows.rows[0]).toMatchObject({ outcome: 'allowed', version: '2', caller: 'ci-github', commit: 'abc123', pipeline_url: 'https://ci.example.com/runs/1' });
  });

  it('denies prd with only a Staging version, saying so, and records the denial', async () => {
    const res = await ask({ project: 'churn', env: 'prd' });
    const body = expectError(res, 409, 'DEPLOY_DENIED');
    expect(body).toMatchObject({ allowed: false, reasons: ['no version of model churn-classifier is in Production'] });
    const rows = await withDatabase(t.databaseUrl, (db) => db.query('SELECT outcome, reasons FROM deploy_decisions WHERE id = $1', [body.decision_id]));
    expect(rows.rows[0]).toEqual({ outcome: 'denied', reasons: ['no version of model churn-classifier is in Production'] });
  });

  it('allows dev with a Staging version', async () => {
    const res = await ask({ project: 'churn', env: 'dev' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ model: 'churn-classifier', version: '1', stage: 'Staging' });
  });

  it('checks an explicit version (a JSON number or a string) against the allowed stages', async () => {
    expect((await ask({ project: 'recsys', env: 'prd', version: 2 })).body).toMatchObject({ allowed: true, version: '2' });
    expect(expectError(await ask({ project: 'recsys', env: 'prd', version: '3' }), 409, 'DEPLOY_DENIED').reasons).toEqual([
      'version 3 of recsys is in None; prd needs Production',
    ]);
    expect(expectError(await ask({ project: 'recsys', env: 'prd', version: 99 }), 409, 'DEPLOY_DENIED').reasons).toEqual([
      'version 99 of recsys does not exist in MLflow',
    ]);
    expectError(await ask({ project: 'recsys', env: 'prd', version: 'two' }), 400, 'VALIDATION_FAILED');
  });

  it('refuses a commit or pipeline_url with control characters with 400, recording nothing', async () => {
    const count = async () => Number((await withDatabase(t.databaseUrl, (db) => db.query('SELECT count(*) FROM deploy_decisions'))).rows[0].count);
    const before = await count();
    const bad = [
      { commit: 'abc123\u0000' },
      { commit: 'abc\n123' },
      { commit: '\u001b[31mabc' },
      { commit: 'abc\u007f' },
      { pipeline_url: 'https://ci.example.com/runs/1\u0000' },
      { pipeline_url: 'https://ci.example.com/runs/1\r\nX-Injected: 1' },
    ];
    for (const fields of bad) {
      const body = expectError(await ask({ project: 'recsys', env: 'prd', ...fields }), 400, 'VALIDATION_FAILED');
      expect(body.details).toEqual([{ field: Object.keys(fields)[0], problems: expect.arrayContaining([expect.stringContaining('control characters')]) }]);
    }
    expect(await count()).toBe(before);
    expect((await ask({ project: 'recsys', env: 'prd', commit: 'abc 123 — été', pipeline_url: 'https://ci.example.com/runs/1?a=b' })).status).toBe(200);
  });

  it('fails only the decision PostgreSQL refuses, never the others committed in its batch', async () => {
    const sql = (text: string) => withDatabase(t.databaseUrl, (db) => db.query(text));
    // A value the database refuses although it passed validation, e.g. after a schema change.
    await sql("ALTER TABLE deploy_decisions ADD CONSTRAINT test_refuses_poison CHECK (commit IS DISTINCT FROM 'poison')");
    try {
      const commits = Array.from({ length: 16 }, (_, i) => (i === 9 ? 'poison' : `batch-${i}`));
      const answers = await Promise.all(commits.map((commit) => ask({ project: 'recsys', env: 'prd', commit })));
      expect(answers.map((a) => a.status)).toEqual(commits.map((c) => (c === 'poison' ? 503 : 200)));
      expect(expectError(answers[9], 503, 'GATE_UNAVAILABLE').message).toMatch(/could not be recorded/);
      const stored = await sql("SELECT commit FROM deploy_decisions WHERE commit LIKE 'batch-%' OR commit = 'poison' ORDER BY commit");
      expect(stored.rows.map((r: { commit: string }) => r.commit).sort()).toEqual(commits.filter((c) => c !== 'poison').sort());
    } finally {
      await sql('ALTER TABLE deploy_decisions DROP CONSTRAINT test_refuses_poison');
    }
  });

  it('answers run_id: null for a version registered without a run, in the answer and the record', async () => {
    mlflow.seed.modelVersion({ name: 'runless', runId: null, stage: 'Production', source: 's3://models/runless/1' });
    const yaml = 'project_name: runless\nversion: "1"\nschedule: { enabled: false }\nbatch: { pipeline: { steps: [ { id: a } ] } }\n';
    expect((await t.request('PUT', '/projects/runless', { raw: { payload: yaml, contentType: 'application/yaml' } })).status).toBe(201);
    const res = await ask({ project: 'runless', env: 'prd' });
    expect(res.body).toMatchObject({ allowed: true, version: '1', run_id: null, source: 's3://models/runless/1' });
    const listed = await t.request('GET', '/deploy-decisions', { query: { project: 'runless' } });
    expect(listed.body.items).toEqual([expect.objectContaining({ id: res.body.decision_id, run_id: null })]);
  });

  it('answers the same through GET /deploy-gate/:project', async () => {
    const res = await t.request('GET', '/deploy-gate/recsys', { key: ci, query: { env: 'prd' } });
    expect(res.body).toMatchObject({ allowed: true, version: '2' });
  });

  it('refuses a name no project can have alike through GET and POST', async () => {
    const problems = [{ field: 'project', problems: ['project must be a project name (lowercase letters, digits, _ and -)'] }];
    expect(expectError(await t.request('GET', '/deploy-gate/Recsys', { key: ci, query: { env: 'prd' } }), 400, 'VALIDATION_FAILED').details).toEqual(problems);
    expect(expectError(await ask({ project: 'Recsys', env: 'prd' }), 400, 'VALIDATION_FAILED').details).toEqual(problems);
  });

  it('answers 404 for an unknown project and 400 for an env the project does not list', async () => {
    expectError(await ask({ project: 'nope', env: 'prd' }), 404, 'PROJECT_NOT_FOUND');
    expect(expectError(await ask({ project: 'recsys', env: 'stg' }), 400, 'ENV_NOT_CONFIGURED').details.configured_envs.sort()).toEqual(['dev', 'prd']);
  });

  it('denies a project whose model is not registered in MLflow', async () => {
    const yaml = 'project_name: ghost\nversion: "1"\nschedule: { enabled: false }\nbatch: { pipeline: { steps: [ { id: a } ] } }\n';
    expect((await t.request('PUT', '/projects/ghost', { raw: { payload: yaml, contentType: 'application/yaml' } })).status).toBeLessThan(300);
    expect(expectError(await ask({ project: 'ghost', env: 'prd' }), 409, 'DEPLOY_DENIED').reasons).toEqual(['model ghost is not registered in MLflow']);
  });

  it('fails closed with 503 GATE_UNAVAILABLE within the MLflow timeout when MLflow is down, and records it', async () => {
    t.app.get(DomainEvents).emit('model.stage_changed', { model: 'recsys' }); // nothing cached from the tests before
    mlflow.failWith(500);
    const started = Date.now();
    const res = await ask({ project: 'recsys', env: 'dev', version: '2' });
    const body = expectError(res, 503, 'GATE_UNAVAILABLE');
    expect(body.allowed).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
    const rows = await withDatabase(t.databaseUrl, (db) => db.query('SELECT outcome FROM deploy_decisions WHERE id = $1', [body.decision_id]));
    expect(rows.rows[0].outcome).toBe('unavailable');
  });

  it('fails closed when MLflow hangs', async () => {
    t.app.get(DomainEvents).emit('model.stage_changed', { model: 'churn-classifier' });
    mlflow.setLatency(5000);
    const started = Date.now();
    const body = expectError(await ask({ project: 'churn', env: 'dev', version: '1' }), 503, 'GATE_UNAVAILABLE');
    expect(body.allowed).toBe(false);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reads MLflow once for a burst, and again at once when a promotion changes a stage', async () => {
    mlflow.seed.modelVersion({ name: 'bursty', stage: 'Production' });
    mlflow.seed.modelVersion({ name: 'bursty' });
    expect((await t.request('PUT', '/projects/bursty', { body: { ...MINIMAL_PROJECT, project_name: 'bursty' } })).status).toBe(201);
    mlflow.clearRequests();
    await Promise.all([1, 2, 3, 4, 5].map(() => ask({ project: 'bursty', env: 'prd' })));
    expect(mlflow.requestsTo('registered-models/get-latest-versions')).toHaveLength(1);

    const promoter = await t.createKey('pat', ['promoter']);
    for (const stage of ['Staging', 'Production']) {
      expect((await t.request('POST', '/models/bursty/versions/2/promote', { key: promoter, body: { stage, reason: 'the next model' } })).status).toBe(200);
    }
    expect((await ask({ project: 'bursty', env: 'prd' })).body).toMatchObject({ version: '2' });
  });

  it('keeps the decisions insert-only', async () => {
    await expect(withDatabase(t.databaseUrl, (db) => db.query(`UPDATE deploy_decisions SET outcome = 'allowed'`))).rejects.toThrow(/insert-only/);
    await expect(withDatabase(t.databaseUrl, (db) => db.query('DELETE FROM deploy_decisions'))).rejects.toThrow(/insert-only/);
  });

  it('lists decisions for readers, filtered and paged, newest first', async () => {
    for (const commit of ['listed-1', 'listed-2', 'listed-3']) expect((await ask({ project: 'recsys', env: 'prd', commit })).status).toBe(200);
    const reader = await t.createKey('auditor', ['reader']);
    const first = await t.request('GET', '/deploy-decisions', { key: reader, query: { project: 'recsys', env: 'prd', max_results: '2' } });
    expect(first.status).toBe(200);
    expect(first.body.items.map((d: { commit: string }) => d.commit)).toEqual(['listed-3', 'listed-2']);
    expect(first.body.items.every((d: { project: string; env: string }) => d.project === 'recsys' && d.env === 'prd')).toBe(true);
    const second = await t.request('GET', '/deploy-decisions', {
      key: reader,
      query: { project: 'recsys', env: 'prd', max_results: '2', page_token: first.body.next_page_token },
    });
    const all = [...first.body.items, ...second.body.items];
    expect(new Set(all.map((d: { id: string }) => d.id)).size).toBe(all.length);
    expect(all.map((d: { decided_at: string }) => d.decided_at)).toEqual([...all.map((d: { decided_at: string }) => d.decided_at)].sort().reverse());
  });

  it('lets only ci (and admin) ask, and only readers list', async () => {
    const reader = await t.createKey('reader-only', ['reader']);
    expectError(await ask({ project: 'recsys', env: 'prd' }, reader), 403, 'FORBIDDEN');
    expectError(await t.request('GET', '/deploy-decisions', { key: ci }), 403, 'FORBIDDEN');
    expectError(await ask({ project: 'recsys', env: 'prd' }, 'mg_wrong'), 401, 'UNAUTHENTICATED');
  });

  it('fails closed with 503 GATE_UNAVAILABLE while PostgreSQL is down, and recovers without a restart', async () => {
    expect((await ask({ project: 'recsys', env: 'prd' })).status).toBe(200); // the ci key was checked lately
    const name = new URL(t.databaseUrl).pathname.slice(1);
    const setAllowed = (allow: boolean) =>
      withDatabase(process.env.TEST_DATABASE_URL!, async (db) => {
        await db.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS ${allow}`);
        if (!allow) await db.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
      });
    await setAllowed(false);
    try {
      const down = await ask({ project: 'recsys', env: 'prd' });
      expect(expectError(down, 503, 'GATE_UNAVAILABLE')).toMatchObject({ allowed: false, decision_id: null });
      // An env nobody configured must not become a metric label just because it could not be checked.
      expectError(await ask({ project: 'never-asked', env: 'made-up-env-42' }), 503, 'GATE_UNAVAILABLE'); // a project the gate cannot have cached
      const metrics = (await t.request('GET', '/metrics', { key: null })).text;
      expect(metrics).not.toContain('made-up-env-42');
      expect(metrics).toContain('modelgate_deploy_gate_decisions_total{env="unknown",outcome="unavailable"}');
      // A key the process has not verified lately cannot be checked at all: 503, never a pass.
      expectError(await ask({ project: 'recsys', env: 'prd' }, t.adminKey.replace(/.$/, 'x')), 503, 'AUTH_UNAVAILABLE');
    } finally {
      await setAllowed(true);
    }
    // Pooled connections killed by the outage are dropped as their errors arrive: allow a moment.
    let status = 0;
    for (const deadline = Date.now() + 3000; status !== 200 && Date.now() < deadline; ) {
      status = (await ask({ project: 'recsys', env: 'prd' })).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
  });
});
