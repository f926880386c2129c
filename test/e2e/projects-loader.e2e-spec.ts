import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestApp, expectError, startTestApp } from '../helpers/test-app';
import { withDatabase } from '../helpers/test-database';

const FIXTURES = join(__dirname, '..', 'fixtures');
const recsysYaml = readFileSync(join(FIXTURES, 'projects/recsys/config.yaml'), 'utf8');
const badCronYaml = readFileSync(join(FIXTURES, 'projects-invalid/bad-cron.yaml'), 'utf8');

interface Row {
  name: string;
  version: string;
  source: string;
  source_path: string | null;
  updated_at: Date;
  updated_by: string | null;
}

/** A PROJECTS_DIR with recsys and churn from the fixtures and one broken project. */
function makeProjectsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'modelgate-projects-'));
  cpSync(join(FIXTURES, 'projects'), dir, { recursive: true });
  writeProject(dir, 'pricing', badCronYaml);
  mkdirSync(join(dir, '.hidden'));
  writeFileSync(join(dir, '.hidden', 'config.yaml'), 'not: [valid');
  writeFileSync(join(dir, 'README.md'), 'not a project');
  return dir;
}

function writeProject(dir: string, folder: string, yaml: string): void {
  mkdirSync(join(dir, folder), { recursive: true });
  writeFileSync(join(dir, folder, 'config.yaml'), yaml);
}

describe('loading project configs from PROJECTS_DIR', () => {
  let dir: string;
  let t: TestApp;
  const rows = () =>
    withDatabase(t.databaseUrl, async (db) => (await db.query('SELECT * FROM projects ORDER BY name')).rows as Row[]);
  const row = async (name: string) => (await rows()).find((r) => r.name === name);

  // Each test starts from the same folder, loaded by a fresh app: what one test writes, the next never sees.
  beforeEach(async () => {
    dir = makeProjectsDir();
    t = await startTestApp({ env: { PROJECTS_DIR: dir } });
  });
  afterEach(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the good files at start and reports the broken one without stopping', async () => {
    expect((await rows()).map((r) => [r.name, r.source, r.source_path, r.updated_by])).toEqual([
      ['churn', 'file', 'churn/config.yaml', 'system:projects-loader'],
      ['recsys', 'file', 'recsys/config.yaml', 'system:projects-loader'],
    ]);
    const errors = await t.request('GET', '/projects/_errors');
    expect(errors.status).toBe(200);
    expect(errors.body.items).toEqual([
      {
        file: 'pricing/config.yaml',
        problems: [{ path: 'schedule.cron', message: expect.stringMatching(/"every day at 3" is not a 5-field cron expression/) }],
        checked_at: expect.any(String),
      },
    ]);
    expect((await t.request('GET', '/health/live')).status).toBe(200);
  });

  it('changes nothing on a reload when no file changed', async () => {
    const before = await rows();
    const reload = await t.request('POST', '/projects/_reload');
    expect(reload.status).toBe(200);
    expect(reload.body).toEqual({
      applied: [],
      unchanged: ['churn', 'recsys'],
      errors: [{ file: 'pricing/config.yaml', problems: [expect.objectContaining({ path: 'schedule.cron' })] }],
      warnings: [],
    });
    expect(await rows()).toEqual(before);
  });

  it('keeps an API edit until its file changes, then applies the file', async () => {
    const edited = recsysYaml.replace('version: "1.0.0"', 'version: "1.0.1"');
    const put = await t.request('PUT', '/projects/recsys', { raw: { payload: edited, contentType: 'application/yaml' } });
    expect(put.status).toBe(200);
    expect(put.body).toEqual(expect.objectContaining({ source: 'api', source_path: 'recsys/config.yaml', version: '1.0.1' }));

    await t.request('POST', '/projects/_reload');
    expect(await row('recsys')).toEqual(expect.objectContaining({ version: '1.0.1', source: 'api', updated_by: 'admin' }));

    writeProject(dir, 'recsys', recsysYaml.replace('version: "1.0.0"', 'version: "1.0.2"'));
    const reload = await t.request('POST', '/projects/_reload');
    expect(reload.body.applied).toEqual(['recsys']);
    expect(await row('recsys')).toEqual(
      expect.objectContaining({ version: '1.0.2', source: 'file', source_path: 'recsys/config.yaml', updated_by: 'admin' }),
    );
  });

  it('applies a fixed file and clears its error', async () => {
    writeProject(dir, 'pricing', badCronYaml.replace('every day at 3', '0 3 * * *'));
    const reload = await t.request('POST', '/projects/_reload');
    expect(reload.body).toEqual(expect.objectContaining({ applied: ['pricing'], errors: [] }));
    expect((await t.request('GET', '/projects/_errors')).body.items).toEqual([]);
    expect(await row('pricing')).toEqual(expect.objectContaining({ source: 'file', version: '0.4.0' }));
  });

  it('keeps the last good config when a file breaks, and reports it', async () => {
    writeProject(dir, 'pricing', badCronYaml.replace('every day at 3', '0 3 * * *'));
    expect((await t.request('POST', '/projects/_reload')).body.applied).toEqual(['pricing']);
    writeProject(dir, 'pricing', 'project_name: pricing\nversion: 0.5\n');
    const reload = await t.request('POST', '/projects/_reload');
    expect(reload.body.errors).toEqual([
      {
        file: 'pricing/config.yaml',
        problems: [
          { path: 'version', message: 'must be a string; quote it, e.g. version: "1.0.0"' },
          { path: 'schedule', message: 'required' },
          { path: 'batch', message: 'required' },
        ],
      },
    ]);
    expect(await row('pricing')).toEqual(expect.objectContaining({ version: '0.4.0' }));
  });

  it('refuses a second file defining the same project, and a file claiming a taken model', async () => {
    writeProject(dir, 'recsys-copy', recsysYaml);
    writeProject(dir, 'thief', `${badCronYaml.replace('pricing', 'thief').replace('every day at 3', '0 3 * * *')}model: { name: churn-classifier }\n`);
    const reload = await t.request('POST', '/projects/_reload');
    expect(reload.body.errors).toEqual(
      expect.arrayContaining([
        { file: 'recsys-copy/config.yaml', problems: [{ path: 'project_name', message: 'project "recsys" is already defined by recsys/config.yaml' }] },
        { file: 'thief/config.yaml', problems: [{ path: 'model.name', message: '"churn-classifier" is already claimed by project "churn"' }] },
      ]),
    );
    expect(await row('thief')).toBeUndefined();
    rmSync(join(dir, 'recsys-copy'), { recursive: true });
    rmSync(join(dir, 'thief'), { recursive: true });
    rmSync(join(dir, 'pricing'), { recursive: true });
    await t.request('POST', '/projects/_reload');
    expect((await t.request('GET', '/projects/_errors')).body.items).toEqual([]);
  });

  it('lets only admins reload', async () => {
    const reader = await t.createKey('loader-reader', ['reader']);
    expectError(await t.request('POST', '/projects/_reload', { key: reader }), 403, 'FORBIDDEN');
    expect((await t.request('GET', '/projects/_errors', { key: reader })).status).toBe(200);
  });
});

describe('several replicas loading the same folder at once', () => {
  it('load each file once and agree', async () => {
    const dir = makeProjectsDir();
    const adminKey = 'mg_test_shared_admin_key_0123456789';
    const first = await startTestApp({ env: { ADMIN_API_KEY: adminKey } });
    await first.close();
    const replicas = await Promise.all(
      [1, 2, 3].map(() => startTestApp({ databaseUrl: first.databaseUrl, env: { PROJECTS_DIR: dir, ADMIN_API_KEY: adminKey } })),
    );
    try {
      const stored = await withDatabase(first.databaseUrl, async (db) => ({
        projects: (await db.query('SELECT name, created_at, updated_at FROM projects ORDER BY name')).rows,
        files: (await db.query('SELECT path, project_name, problems IS NOT NULL AS refused FROM project_files ORDER BY path')).rows,
      }));
      expect(stored.projects.map((p: { name: string }) => p.name)).toEqual(['churn', 'recsys']);
      expect(stored.projects.every((p: { created_at: Date; updated_at: Date }) => p.created_at.getTime() === p.updated_at.getTime())).toBe(true);
      expect(stored.files).toEqual([
        { path: 'churn/config.yaml', project_name: 'churn', refused: false },
        { path: 'pricing/config.yaml', project_name: null, refused: true },
        { path: 'recsys/config.yaml', project_name: 'recsys', refused: false },
      ]);
      for (const r of replicas) {
        expect((await r.request('GET', '/projects', { key: adminKey })).body.items).toHaveLength(2);
      }
    } finally {
      await Promise.all(replicas.map((r) => r.close()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
