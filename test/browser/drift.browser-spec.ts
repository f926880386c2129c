import { DriftWatcher } from '../../src/registry-watch/drift-watcher';
import { FakeMlflow } from '../fakes/mlflow';
import { projectYaml, putProject } from '../helpers/promotions';
import { expectError } from '../helpers/test-app';
import { withDatabase } from '../helpers/test-database';
import { ConsoleWorld } from './support/console-world';

/** As the console shows a time: UTC, to the second. */
const shown = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

describe('drift in the console', () => {
  let mlflow: FakeMlflow;
  let w: ConsoleWorld;
  let ci: string;
  const round = () => w.t.app.get(DriftWatcher).round();
  const gate = () => w.t.request('POST', '/deploy-gate', { key: ci, body: { project: 'fraud', env: 'prd' } });

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    mlflow.seed.modelVersion({ name: 'fraud', stage: 'Production' });
    mlflow.seed.modelVersion({ name: 'fraud', stage: 'Staging' });
    mlflow.seed.modelVersion({ name: 'scorer', stage: 'Staging' });
    w = await ConsoleWorld.start(mlflow);
    ci = await w.t.createKey('ci-pipeline', ['ci']);
    for (const name of ['fraud', 'scorer']) await putProject(w.t, name, projectYaml(name, name, 'notifications: { on_drift: [] }'));
    expect((await round()).checks.map((c) => [c.model, c.outcome])).toEqual([
      ['fraud', 'baseline'],
      ['scorer', 'baseline'],
    ]);
  });
  afterEach(async () => expect(await w.problemsSinceLastCheck()).toEqual([]));
  afterAll(async () => {
    await w?.stop();
    await mlflow?.stop();
  });

  it('lists a Production move made in MLflow as open drift; an approver adopts it and the gate allows the version again', async () => {
    mlflow.outOfBand.transition('fraud', 2, 'Production', { archiveExisting: true });
    const changedAt = mlflow.state.registry.version('fraud', 2).lastUpdatedTimestamp;
    await round();
    expect(expectError(await gate(), 409, 'DEPLOY_DENIED').reasons[0]).toMatch(/^version 2 of fraud is in Production in MLflow, but not through modelgate/);

    const reader = await w.tabOf('auditor', '/console/drift');
    const readerOpen = reader.page.getByRole('region', { name: /^Open drifts/ });
    await readerOpen.getByRole('row', { name: /^fraud 2 Production Staging/ }).waitFor();
    expect(await readerOpen.getByRole('row', { name: /^fraud 1 Archived Production/ }).count()).toBe(1);
    expect(await reader.page.getByRole('button', { name: /Adopt/ }).count()).toBe(0);
    await reader.screenshot('drift-reader');

    const tab = await w.tabOf('bob', '/console/drift');
    const { page } = tab;
    const open = page.getByRole('region', { name: /^Open drifts/ });
    const row = open.getByRole('row', { name: /^fraud 2 / });
    await row.getByRole('cell', { name: shown(changedAt), exact: true }).waitFor();
    await row.getByRole('button', { name: 'Adopt fraud version 2' }).click();
    const dialog = page.getByRole('dialog', { name: 'Adopt fraud version 2' });
    await dialog.getByText('MLflow holds version 2 in Production, but modelgate expects Staging').waitFor();
    await dialog.getByLabel(/Reason/).fill('hotfix promoted by the on-call in MLflow; validated');
    await tab.screenshot('drift-adopt');
    await dialog.getByRole('button', { name: 'Adopt version 2' }).click();

    await page.getByRole('status').filter({ hasText: 'You adopted fraud version 2: modelgate now expects it as MLflow holds it.' }).waitFor();
    const resolved = page.getByRole('region', { name: 'Resolved drifts, newest first' });
    await resolved.getByRole('row', { name: /^fraud 2 Production Staging .* adopted by bob/ }).waitFor();
    expect(await open.getByRole('row', { name: /^fraud 2 / }).count()).toBe(0);
    expect(await open.getByRole('row', { name: /^fraud 1 / }).count()).toBe(1);
    await tab.screenshot('drift');

    expect((await gate()).body).toMatchObject({ allowed: true, version: '2', stage: 'Production' });
    const [adopted] = (await w.t.request('GET', '/audit', { query: { model: 'fraud', action: 'registry.adopted' } })).body.items;
    expect(adopted).toMatchObject({ actor: 'bob', version: '2', to_stage: 'Production', reason: 'hotfix promoted by the on-call in MLflow; validated' });
    const keys = await withDatabase(w.t.databaseUrl, async (db) => (await db.query(`SELECT key, route FROM idempotency_keys WHERE key_holder = 'bob'`)).rows);
    expect(keys).toEqual([{ key: expect.stringMatching(/^console-[0-9a-f]{32}$/), route: expect.stringContaining('/adopt') }]);
  });

  it('filters by project and status, kept in the address', async () => {
    mlflow.outOfBand.transition('scorer', 1, 'Archived');
    await round();
    const { page } = await w.tabOf('auditor', '/console/drift?project=scorer');
    const open = page.getByRole('region', { name: /^Open drifts/ });
    await open.getByRole('row', { name: /^scorer 1 Archived Staging/ }).waitFor();
    expect(await open.getByRole('row', { name: /^fraud/ }).count()).toBe(0);
    await page.getByRole('region', { name: 'Resolved drifts, newest first' }).getByText('No resolved drift.').waitFor();

    await page.getByLabel('Project').fill('fraud');
    await page.getByLabel('Status').selectOption('resolved');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/\/console\/drift\?project=fraud&status=resolved$/);
    await page.getByRole('row', { name: /^fraud 2 .* adopted by bob/ }).waitFor();
    expect(await page.getByRole('region', { name: /^Open drifts/ }).count()).toBe(0);
  });
});
