import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ProjectDirectory } from '../../src/projects/project.types';
import { TestApp, TestResponse, expectError, startTestApp } from '../helpers/test-app';
import { withDatabase } from '../helpers/test-database';

const FIXTURES = join(__dirname, '..', 'fixtures');
const recsysYaml = readFileSync(join(FIXTURES, 'projects/recsys/config.yaml'), 'utf8');
const churnYaml = readFileSync(join(FIXTURES, 'projects/churn/config.yaml'), 'utf8');
const INVALID = join(FIXTURES, 'projects-invalid');

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A minimal valid config for `name`, as YAML, with extra top-level lines. */
const makeYaml = (name: string, extra = '') =>
  `project_name: ${name}\nversion: "1.0.0"\nschedule: { enabled: false }\nbatch: { pipeline: { steps: [{ id: run }] } }\n${extra}`;

describe('projects API', () => {
  let t: TestApp;
  let readerKey: string;
  const putYaml = (name: string, yaml: string, key?: string): Promise<TestResponse> =>
    t.request('PUT', `/projects/${name}`, { raw: { payload: yaml, contentType: 'application/yaml' }, key });
  const rowsNamed = (name: string) =>
    withDatabase(t.databaseUrl, async (db) => (await db.query('SELECT * FROM projects WHERE name = $1', [name])).rows);
  /** Every stored project's name, in the database's own order of names. */
  const namesInOrder = () =>
    withDatabase(t.databaseUrl, async (db) => (await db.query<{ name: string }>('SELECT name FROM projects ORDER BY name')).rows.map((r) => r.name));
  const projectCount = () => withDatabase(t.databaseUrl, async (db) => Number((await db.query('SELECT count(*) FROM projects')).rows[0].count));

  beforeAll(async () => {
    t = await startTestApp({ env: { SLACK_WEBHOOKS: JSON.stringify({ 'ml-alerts': 'http://127.0.0.1:9/hook' }) } });
    readerKey = await t.createKey('reader-1', ['reader']);
  });
  afterAll(() => t.close());

  it('stores recsys from YAML as is, and serves it back with its defaults resolved', async () => {
    const put = await putYaml('recsys', recsysYaml);
    expect(put.status).toBe(201);
    expect(put.body).toEqual(
      expect.objectContaining({ name: 'recsys', version: '1.0.0', source: 'api', source_path: null, updated_by: 'admin', warnings: [] }),
    );

    const got = await t.request('GET', '/projects/recsys', { key: readerKey });
    expect(got.status).toBe(200);
    expect(got.body.config).toEqual(parse(recsysYaml));
    expect(got.body.config_hash).toBe(sha256(recsysYaml));
    expect(got.body.resolved).toEqual({
      model_name: 'recsys',
      model_aliases: false,
      model_registry: 'stages',
      stage_aliases: { Staging: 'challenger', Production: 'champion' },
      provenance_tags: true,
      state_machine_name: 'recsys-workflow',
      promotion: {},
      deploy_gate: { prd: ['Production'], dev: ['Staging', 'Production'] },
      notifications: {
        on_success: ['ml-team@rentcars.com'],
        on_failure: ['ml-team@rentcars.com', 'oncall@rentcars.com'],
        on_approval_needed: ['ml-team@rentcars.com'],
        on_drift: ['ml-team@rentcars.com'],
      },
      drift: { action: 'alert', adopt_existing: true },
      owners: { tech_owner: 'ml-team@rentcars.com', business_owner: 'produto@rentcars.com' },
    });

    const raw = await t.request('GET', '/projects/recsys', { key: readerKey, query: { format: 'yaml' } });
    expect(raw.headers['content-type']).toMatch(/^application\/yaml/);
    expect(raw.text).toBe(recsysYaml);

    const [row] = await rowsNamed('recsys');
    expect(row).toEqual(
      expect.objectContaining({ raw: recsysYaml, config_hash: sha256(recsysYaml), source: 'api', updated_by: 'admin', model_name: 'recsys' }),
    );
    expect(row.config).toEqual(parse(recsysYaml));
  });

  it('replaces a project with 200, and warns about a Slack channel missing from SLACK_WEBHOOKS', async () => {
    expect((await putYaml('churn', churnYaml)).status).toBe(201);
    const again = await putYaml('churn', churnYaml);
    expect(again.status).toBe(200);
    expect(again.body.warnings).toEqual([
      { path: 'notifications.on_success[1]', message: 'Slack channel "ml-pipelines" is not in SLACK_WEBHOOKS: notifications to it will fail' },
    ]);
    expect(again.body.resolved.promotion.Production).toEqual({
      approvals: 2,
      approval_ttl_hours: 72,
      min_hours_in_staging: 24,
      metrics: [
        { metric: 'roc_auc', op: '>=', value: 0.85, raw: '>= 0.85' },
        { metric: 'f1', op: '>=', value: 0.7, raw: '>= 0.70' },
      ],
      no_regression: [{ metric: 'roc_auc', tolerance: 0.01, better: 'higher' }],
      required_tags: { validation_status: 'passed' },
    });
    expect((await t.request('GET', '/projects/churn')).body.config).toEqual(parse(churnYaml));
  });

  it('accepts the same document as JSON', async () => {
    const doc = { ...parse(churnYaml), project_name: 'churn-json', model: { name: 'churn-json-model' } };
    const put = await t.request('PUT', '/projects/churn-json', { body: doc });
    expect(put.status).toBe(201);
    expect(put.body.config).toEqual(doc);
    const [row] = await rowsNamed('churn-json');
    expect(JSON.parse(row.raw)).toEqual(doc);
    expect(row.config_hash).toBe(sha256(row.raw));
  });

  it.each(readdirSync(INVALID).filter((f) => f.endsWith('.yaml')))('refuses %s with 400 and every problem, storing nothing', async (file) => {
    const yaml = readFileSync(join(INVALID, file), 'utf8');
    const before = await projectCount();
    const body = expectError(await putYaml('pricing', yaml), 400, 'INVALID_PROJECT_CONFIG');
    expect(body.details.length).toBeGreaterThan(0);
    for (const d of body.details) expect(d).toEqual(expect.objectContaining({ path: expect.any(String), message: expect.any(String) }));

    const validated = await t.request('POST', '/projects/validate', { raw: { payload: yaml, contentType: 'application/yaml' }, key: readerKey });
    expect(validated.status).toBe(200);
    expect(validated.body).toEqual({ valid: false, problems: body.details, warnings: [] });
    expect(await projectCount()).toBe(before);
  });

  it('names the field of each invalid fixture', async () => {
    const pathsOf = async (file: string) =>
      (await putYaml('pricing', readFileSync(join(INVALID, file), 'utf8'))).body.details.map((d: { path: string }) => d.path);
    expect(await pathsOf('missing-project-name.yaml')).toEqual(['project_name']);
    expect(await pathsOf('schedule-enabled-without-cron.yaml')).toEqual(['schedule.cron']);
    expect(await pathsOf('bad-cron.yaml')).toEqual(['schedule.cron']);
    expect(await pathsOf('no-steps.yaml')).toEqual(['batch.pipeline.steps']);
    expect(await pathsOf('bad-recipient.yaml')).toEqual(['notifications.on_failure[0]', 'notifications.on_failure[1]']);
    expect(await pathsOf('bad-threshold.yaml')).toEqual(['promotion.Production.approvals', 'promotion.Production.metrics.roc_auc']);
  });

  it('refuses a YAML bomb quickly with 400', async () => {
    let bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
    for (let i = 1; i < 10; i++) bomb += `l${i}: &l${i} [${Array(9).fill(i === 1 ? '*a' : `*l${i - 1}`).join(',')}]\n`;
    const started = Date.now();
    const body = expectError(await putYaml('bomb', bomb), 400, 'INVALID_PROJECT_CONFIG');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(body.details).toEqual([{ path: '', message: 'the document expands more than 100 aliases (a YAML bomb) and is refused' }]);
  });

  it.each([
    ['a YAML list', { payload: '- a\n- b\n', contentType: 'application/yaml' }],
    ['a YAML scalar', { payload: 'just text', contentType: 'text/yaml' }],
    ['a JSON array', { payload: '[1, 2]', contentType: 'application/json' }],
    ['a JSON string', { payload: '"project_name: x"', contentType: 'application/json' }],
    ['an empty body', { payload: '', contentType: 'application/yaml' }],
  ])('refuses %s with 400: the document must be a mapping', async (_label, raw) => {
    const body = expectError(await t.request('PUT', '/projects/x', { raw }), 400, 'INVALID_PROJECT_CONFIG');
    expect(body.details[0]).toEqual({ path: '', message: expect.stringMatching(/^the document (must be a mapping|is empty)/) });
  });

  it('refuses a body over 256 KiB with 413 PAYLOAD_TOO_LARGE, on PUT and on validate', async () => {
    const big = makeYaml('big', `padding: "${'x'.repeat(256 * 1024)}"\n`);
    expectError(await putYaml('big', big), 413, 'PAYLOAD_TOO_LARGE');
    expectError(await t.request('POST', '/projects/validate', { raw: { payload: big, contentType: 'application/yaml' } }), 413, 'PAYLOAD_TOO_LARGE');
    expect(await rowsNamed('big')).toEqual([]);
  });

  it('refuses a content type other than YAML or JSON with 415', async () => {
    expectError(await t.request('PUT', '/projects/x', { raw: { payload: makeYaml('x'), contentType: 'text/plain' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses a second project claiming the same model with 409 MODEL_ALREADY_CLAIMED', async () => {
    expect((await putYaml('claimant', makeYaml('claimant', 'model: { name: claimed }\n'))).status).toBe(201);
    const res = await putYaml('claimant-v2', makeYaml('claimant-v2', 'model: { name: claimed }\n'));
    const body = expectError(res, 409, 'MODEL_ALREADY_CLAIMED');
    expect(body.message).toMatch(/"claimed" is already claimed by project "claimant"/);
    expect(await rowsNamed('claimant-v2')).toEqual([]);

    const validated = await t.request('POST', '/projects/validate', { raw: { payload: makeYaml('claimant-v2', 'model: { name: claimed }\n'), contentType: 'application/yaml' } });
    expect(validated.body).toEqual(expect.objectContaining({ valid: false, problems: [{ path: 'model.name', message: expect.stringMatching(/already claimed/) }] }));
  });

  it('lets exactly one of several concurrent projects claim a model', async () => {
    const names = ['race-a', 'race-b', 'race-c', 'race-d', 'race-e'];
    const answers = await Promise.all(names.map((n) => putYaml(n, makeYaml(n, 'model: { name: contested }\n'))));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const a of answers.filter((x) => x.status === 409)) expectError(a, 409, 'MODEL_ALREADY_CLAIMED');
    const rows = await withDatabase(t.databaseUrl, async (db) => (await db.query("SELECT name FROM projects WHERE model_name = 'contested'")).rows);
    expect(rows).toHaveLength(1);
    expect((await t.request('DELETE', `/projects/${rows[0].name}`)).status).toBe(204);
  });

  it('refuses a body whose project_name differs from the path with 400', async () => {
    const body = expectError(await putYaml('pricing', makeYaml('other')), 400, 'INVALID_PROJECT_CONFIG');
    expect(body.details).toEqual([{ path: 'project_name', message: '"other" must equal the name in the path ("pricing")' }]);
    expect(await rowsNamed('other')).toEqual([]);
  });

  it('answers 404 PROJECT_NOT_FOUND for a project that does not exist', async () => {
    expectError(await t.request('GET', '/projects/nope'), 404, 'PROJECT_NOT_FOUND');
    expectError(await t.request('DELETE', '/projects/nope'), 404, 'PROJECT_NOT_FOUND');
  });

  it('refuses a path name no project can have with 400, before reading the body', async () => {
    const problems = [{ field: 'name', problems: ['name must be a project name (lowercase letters, digits, _ and -)'] }];
    expect(expectError(await t.request('GET', '/projects/Not%20A%20Name'), 400, 'VALIDATION_FAILED').details).toEqual(problems);
    expect(expectError(await putYaml('Recsys', makeYaml('Recsys')), 400, 'VALIDATION_FAILED').details).toEqual(problems);
    expectError(await t.request('DELETE', '/projects/-x'), 400, 'VALIDATION_FAILED');
    expect(await rowsNamed('Recsys')).toEqual([]);
  });

  it('validates without storing, answering the resolved settings', async () => {
    const res = await t.request('POST', '/projects/validate', {
      raw: { payload: makeYaml('dry', 'notifications: { on_failure: ["slack:nowhere"] }\n'), contentType: 'application/yaml' },
      key: readerKey,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      expect.objectContaining({
        valid: true,
        problems: [],
        warnings: [{ path: 'notifications.on_failure[0]', message: expect.stringMatching(/"nowhere" is not in SLACK_WEBHOOKS/) }],
        name: 'dry',
      }),
    );
    expect(res.body.resolved.state_machine_name).toBe('dry-workflow');
    expect(await rowsNamed('dry')).toEqual([]);
  });

  it('deletes a project, which frees its model', async () => {
    expect((await putYaml('temp', makeYaml('temp', 'model: { name: shared-model }\n'))).status).toBe(201);
    expect((await t.request('DELETE', '/projects/temp')).status).toBe(204);
    expect(await rowsNamed('temp')).toEqual([]);
    expectError(await t.request('GET', '/projects/temp'), 404, 'PROJECT_NOT_FOUND');
    expect((await putYaml('temp2', makeYaml('temp2', 'model: { name: shared-model }\n'))).status).toBe(201);
  });

  it('lists projects by name, paged with max_results and page_token', async () => {
    // Digits sort before letters: these three come first whatever else the other tests stored.
    for (const name of ['0list-c', '0list-a', '0list-b']) expect((await putYaml(name, makeYaml(name))).status).toBe(201);
    const first = await t.request('GET', '/projects', { key: readerKey, query: { max_results: '2' } });
    expect(first.status).toBe(200);
    expect(first.body.items.map((p: { name: string }) => p.name)).toEqual(['0list-a', '0list-b']);
    expect(first.body.items[0]).toEqual(expect.objectContaining({ name: '0list-a', version: '1.0.0', model_name: '0list-a', source: 'api', updated_by: 'admin' }));
    const names: string[] = first.body.items.map((p: { name: string }) => p.name);
    for (let token = first.body.next_page_token; token; ) {
      const page = await t.request('GET', '/projects', { key: readerKey, query: { max_results: '2', page_token: token } });
      names.push(...page.body.items.map((p: { name: string }) => p.name));
      token = page.body.next_page_token;
    }
    expect(names[2]).toBe('0list-c');
    expect(names).toEqual(await namesInOrder());
    expectError(await t.request('GET', '/projects', { query: { page_token: 'garbage' } }), 400, 'VALIDATION_FAILED');
  });

  it('keeps _errors, _reload and validate from being taken for project names', async () => {
    expect(await t.request('GET', '/projects/_errors', { key: readerKey })).toEqual(expect.objectContaining({ status: 200, body: { items: [] } }));
    expectError(await t.request('POST', '/projects/_reload'), 409, 'PROJECTS_DIR_NOT_SET');
    expectError(await putYaml('_errors', makeYaml('_errors')), 400, 'VALIDATION_FAILED');
  });

  it('enforces roles: readers read and validate, only admins write', async () => {
    expect((await putYaml('guarded', makeYaml('guarded'))).status).toBe(201);
    const ci = await t.createKey('ci-1', ['ci']);
    expectError(await t.request('GET', '/projects', { key: null }), 401, 'UNAUTHENTICATED');
    expectError(await t.request('GET', '/projects/guarded', { key: ci }), 403, 'FORBIDDEN');
    expectError(await putYaml('guarded', makeYaml('guarded', 'owners: { tech_owner: mallory@rentcars.com }\n'), readerKey), 403, 'FORBIDDEN');
    expectError(await t.request('DELETE', '/projects/guarded', { key: readerKey }), 403, 'FORBIDDEN');
    expectError(await t.request('POST', '/projects/_reload', { key: readerKey }), 403, 'FORBIDDEN');
    expect((await t.request('GET', '/projects/guarded', { key: readerKey })).status).toBe(200);
    expect(await rowsNamed('guarded')).toEqual([expect.objectContaining({ updated_by: 'admin', raw: makeYaml('guarded') })]);
  });

  it('finds projects for other features through ProjectDirectory', async () => {
    const finder = makeYaml('finder', 'model: { name: finder-model }\npromotion: { Production: { approvals: 2 } }\n');
    expect((await putYaml('finder', finder)).status).toBe(201);
    const directory = t.app.get(ProjectDirectory);
    expect((await directory.findByModel('finder-model'))?.name).toBe('finder');
    expect(await directory.findByModel('unclaimed')).toBeUndefined();
    const byMachine = await directory.findByStateMachine('arn:aws:states:us-east-1:123456789012:stateMachine:finder-workflow');
    expect(byMachine).toEqual(expect.objectContaining({ name: 'finder', source: 'api', updatedBy: 'admin', configHash: sha256(finder) }));
    expect(byMachine?.updatedAt).toBeInstanceOf(Date);
    expect((await directory.findByName('finder'))?.promotion.Production?.approvals).toBe(2);
    const listed = (await directory.list()).map((p) => p.name);
    expect(listed).toContain('finder');
    expect(listed).toEqual(await namesInOrder());
  });

  it('matches a state machine by the ARN a config names before matching by name', async () => {
    const arn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:billing-flow';
    expect((await putYaml('billing', makeYaml('billing', `state_machine_arn: ${arn}\n`))).status).toBe(201);
    const directory = t.app.get(ProjectDirectory);
    expect((await directory.findByStateMachine(arn))?.name).toBe('billing');
    expect((await directory.findByStateMachine(`${arn}:3`))?.name).toBe('billing');
    expect(await directory.findByStateMachine('arn:aws:states:eu-west-1:999999999999:stateMachine:billing-flow')).toBeUndefined();
    expect(await directory.findByStateMachine('arn:aws:states:eu-west-1:123456789012:stateMachine:nobody-workflow')).toBeUndefined();
    expect((await t.request('DELETE', '/projects/billing')).status).toBe(204);
  });
});

describe('project changes in the audit log', () => {
  it('changes nothing for a PUT of the stored config: the same updated_at, no audit event', async () => {
    const t = await startTestApp();
    try {
      const yaml = makeYaml('steady');
      const json = { project_name: 'steady', version: '2.0.0', schedule: { enabled: false }, batch: { pipeline: { steps: [{ id: 'run' }] } } };
      const putYaml = () => t.request('PUT', '/projects/steady', { raw: { payload: yaml, contentType: 'application/yaml' } });
      const stored = async () => (await withDatabase(t.databaseUrl, (db) => db.query('SELECT updated_at, config_hash FROM projects WHERE name = $1', ['steady']))).rows[0];
      const created = await putYaml();
      expect(created.status).toBe(201);
      const before = await stored();
      await new Promise((r) => setTimeout(r, 20));
      const again = await putYaml();
      expect(again.status).toBe(200);
      expect(again.body.updated_at).toBe(created.body.updated_at);
      expect(await stored()).toEqual(before);

      expect((await t.request('PUT', '/projects/steady', { body: json })).status).toBe(200);
      const changed = await stored();
      expect(changed.updated_at.getTime()).toBeGreaterThan(before.updated_at.getTime());
      await new Promise((r) => setTimeout(r, 20));
      expect((await t.request('PUT', '/projects/steady', { body: { ...json } })).body.updated_at).toBe(changed.updated_at.toISOString());

      const events = await t.request('GET', '/audit', { query: { model: 'steady' } });
      expect(events.body.items.map((e: { action: string }) => e.action)).toEqual(['project.updated', 'project.created']);
    } finally {
      await t.close();
    }
  });

  it('records project.created, project.updated and project.deleted with the actor, in the chain', async () => {
    const t = await startTestApp();
    try {
      const yaml = (v: string) => `project_name: audited\nversion: "${v}"\nschedule: { enabled: false }\nbatch: { pipeline: { steps: [ { id: a } ] } }\n`;
      const put = (v: string) => t.request('PUT', '/projects/audited', { raw: { payload: yaml(v), contentType: 'application/yaml' } });
      expect((await put('1')).status).toBe(201);
      expect((await put('2')).status).toBe(200);
      expect((await t.request('DELETE', '/projects/audited')).status).toBe(204);
      const events = await t.request('GET', '/audit', { query: { model: 'audited' } });
      expect(events.body.items.map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([
        ['project.deleted', 'admin'],
        ['project.updated', 'admin'],
        ['project.created', 'admin'],
      ]);
      expect((await t.request('GET', '/audit/verify')).body.valid).toBe(true);
    } finally {
      await t.close();
    }
  });
});
