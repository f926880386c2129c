import { FakeMlflow } from '../fakes/mlflow';
import { promote, projectYaml, putProject } from '../helpers/promotions';
import { ConsoleWorld } from './support/console-world';

describe('models in the console', () => {
  let mlflow: FakeMlflow;
  let w: ConsoleWorld;
  const stageOf = (v: number) => mlflow.state.registry.version('recsys', v).currentStage;

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    mlflow.seed.modelVersion({ name: 'recsys', run: { metrics: { roc_auc: 0.83, f1: 0.7 } } });
    mlflow.seed.modelVersion({ name: 'recsys', run: { metrics: { roc_auc: 0.87, f1: 0.82 } } });
    mlflow.seed.modelVersion({ name: 'recsys', run: { metrics: { roc_auc: 0.71, f1: 0.6 } } });
    mlflow.seed.modelVersion({ name: 'unclaimed' });
    w = await ConsoleWorld.start(mlflow);
    await putProject(w.t, 'recsys', projectYaml('recsys', 'recsys', 'promotion:\n  Staging: { metrics: { roc_auc: ">= 0.80" } }\n  Production: { metrics: { roc_auc: ">= 0.85" } }'));
    expect((await promote(w.t, w.people.alice, 'recsys', 1, 'Staging')).status).toBe(200);
    expect((await promote(w.t, w.people.alice, 'recsys', 1, 'Production')).status).toBe(422);
  });
  afterEach(async () => expect(await w.problemsSinceLastCheck()).toEqual([]));
  afterAll(async () => {
    await w?.stop();
    await mlflow?.stop();
  });

  it('lists every model with its project, and each version with who put it in its stage', async () => {
    const tab = await w.tabOf('auditor', '/console/models');
    const { page } = tab;
    await page.getByRole('row', { name: 'recsys recsys — 1' }).waitFor();
    expect(await page.getByRole('row', { name: /unclaimed none/ }).count()).toBe(1);
    await tab.screenshot('models');

    await page.getByRole('link', { name: 'recsys', exact: true }).click();
    const row = page.getByRole('row', { name: /^1 staging alice/ });
    await row.waitFor();
    expect(await page.getByRole('row', { name: /^2 none —/ }).count()).toBe(1);
    expect(await page.getByRole('button', { name: /Promote|Roll back/ }).count()).toBe(0);
    await page.getByText('Registry history and drift tracking are not available on this server.').waitFor();
    await tab.screenshot('model-reader');
  });

  it('promotes after a dry run: the verdict first, then the reason, then the change', async () => {
    const tab = await w.tabOf('alice', '/console/models/recsys');
    const { page } = tab;
    await page.getByRole('row', { name: /^2 none/ }).getByRole('button', { name: 'Promote…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Promote recsys version 2' });
    expect(await dialog.getByRole('radio', { name: 'Staging' }).isChecked()).toBe(true);
    await dialog.getByRole('button', { name: 'Check (dry run)' }).click();
    await dialog.getByText('Every rule passes: the promotion would apply at once.').waitFor();
    expect(stageOf(2)).toBe('None');
    await dialog.getByLabel(/Reason/).fill('beats the baseline offline');
    await dialog.getByRole('button', { name: 'Promote to Staging' }).click();

    await page.waitForURL(/\/console\/promotions\/[0-9a-f-]{36}$/);
    await page.locator('.badge', { hasText: 'completed' }).first().waitFor();
    expect(stageOf(2)).toBe('Staging');
    const [done] = (await w.t.request('GET', '/promotions', { query: { model: 'recsys', requested_by: 'alice', max_results: '1' } })).body.items;
    expect(done).toMatchObject({ version: '2', to_stage: 'Staging', status: 'completed', reason: 'beats the baseline offline' });
  });

  it('shows a dry run that fails a rule, and offers no way to apply it', async () => {
    const before = (await w.t.request('GET', '/audit', { query: { model: 'recsys', version: '3' } })).body.items;
    const tab = await w.tabOf('alice', '/console/models/recsys');
    const { page } = tab;
    await page.getByRole('row', { name: /^3 none/ }).getByRole('button', { name: 'Promote…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Promote recsys version 3' });
    await dialog.getByRole('button', { name: 'Check (dry run)' }).click();
    await dialog.getByText('The promotion would be denied: a rule fails. Nothing was changed.').waitFor();
    expect(await dialog.getByRole('row', { name: 'metric:roc_auc NO 0.71 >= 0.8' }).count()).toBe(1);
    expect(await dialog.getByRole('button', { name: /Promote to/ }).count()).toBe(0);
    await tab.screenshot('promote-dry-run-denied');

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(stageOf(3)).toBe('None');
    expect((await w.t.request('GET', '/audit', { query: { model: 'recsys', version: '3' } })).body.items).toEqual(before);
    expect((await w.t.request('GET', '/promotions', { query: { model: 'recsys' } })).body.items.filter((p: { version: string }) => p.version === '3')).toEqual([]);
  });
});
