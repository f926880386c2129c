import { DriftWatcher } from '../../src/registry-watch/drift-watcher';
import { FakeMlflow } from '../fakes/mlflow';
import { promote, projectYaml, putProject } from '../helpers/promotions';
import type { Page } from 'playwright-core';
import { ConsoleWorld } from './support/console-world';

const UTC_TIME = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC';
/** How long a stretch lasted, in a test where every step takes seconds at most. */
const SECONDS = '\\((?:\\d+ s|under 1 s)\\)';

describe('models in the console', () => {
  let mlflow: FakeMlflow;
  let w: ConsoleWorld;
  const stageOf = (v: number) => mlflow.state.registry.version('recsys', v).currentStage;
  /** The strip's text alternative: one line per stretch, oldest first. */
  const stretches = async (page: Page, model: string) =>
    (await page.getByRole('list', { name: `${model} in Production, stretch by stretch` }).getByRole('listitem').allTextContents()).map((t) => t.trim());

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    mlflow.seed.modelVersion({ name: 'recsys', run: { metrics: { roc_auc: 0.83, f1: 0.7 } } });
    mlflow.seed.modelVersion({ name: 'recsys', run: { metrics: { roc_auc: 0.87, f1: 0.82 } } });
    mlflow.seed.modelVersion({ name: 'recsys', run: { metrics: { roc_auc: 0.71, f1: 0.6 } } });
    mlflow.seed.modelVersion({ name: 'unclaimed' });
    for (let i = 0; i < 3; i++) mlflow.seed.modelVersion({ name: 'ranker', run: { metrics: { roc_auc: 0.9 } } });
    w = await ConsoleWorld.start(mlflow);
    await putProject(w.t, 'recsys', projectYaml('recsys', 'recsys', 'promotion:\n  Staging: { metrics: { roc_auc: ">= 0.80" } }\n  Production: { metrics: { roc_auc: ">= 0.85" } }'));
    await putProject(w.t, 'ranker', projectYaml('ranker', 'ranker', 'notifications: { on_drift: [] }'));
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
    const row = page.getByRole('row', { name: /^1 staging alice \(promotion\)/ });
    await row.waitFor();
    expect(await page.getByRole('row', { name: /^2 none —/ }).count()).toBe(1);
    expect(await page.getByRole('button', { name: /Promote|Roll back|Adopt/ }).count()).toBe(0);
    // modelgate's record begins with that first promotion: nothing has been in Production since.
    expect(await stretches(page, 'recsys')).toEqual([expect.stringMatching(new RegExp(`^no version in Production: ${UTC_TIME} → now ${SECONDS}$`))]);
    await tab.screenshot('model-reader');
  });

  it('draws which version held Production after two promotions and a rollback, marks a drifted version, and adopts it', async () => {
    for (const [v, stage] of [[1, 'Staging'], [1, 'Production'], [2, 'Staging'], [2, 'Production']] as const) {
      expect((await promote(w.t, w.people.alice, 'ranker', v, stage)).body.status).toBe('completed');
    }
    expect((await w.t.request('POST', '/models/ranker/rollback', { key: w.people.alice, body: { reason: 'v2 hurts conversion' } })).body.status).toBe('completed');
    mlflow.outOfBand.transition('ranker', 3, 'Staging');
    mlflow.outOfBand.setAlias('ranker', 'champion', 1); // an alias modelgate does not manage: shown, never drift
    await w.t.app.get(DriftWatcher).round();

    const tab = await w.tabOf('bob', '/console/models');
    const { page } = tab;
    await page.getByRole('row', { name: /^ranker ranker 1 3 1 open / }).getByRole('link', { name: 'ranker' }).click();
    await page.getByRole('row', { name: /^3 staging Open drift: modelgate expects None MLflow \(changed there, not through modelgate\)/ }).waitFor();
    const span = `${UTC_TIME} → ${UTC_TIME} ${SECONDS}`;
    expect(await stretches(page, 'ranker')).toEqual([
      expect.stringMatching(new RegExp(`^no version in Production: ${span}$`)),
      expect.stringMatching(new RegExp(`^version 1 in Production: ${span}$`)),
      expect.stringMatching(new RegExp(`^version 2 in Production: ${span}$`)),
      expect.stringMatching(new RegExp(`^version 1 in Production: ${UTC_TIME} → now ${SECONDS}$`)),
    ]);
    expect(await page.locator('.strip .strip-seg').allTextContents()).toEqual(['', 'v1', 'v2', 'v1']);
    expect(await page.getByRole('row', { name: /^1 production @champion alice \(rollback\)/ }).count()).toBe(1);
    expect(await page.getByRole('row', { name: /^2 archived alice \(rollback\)/ }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Adopt…' }).count()).toBe(1);
    await tab.screenshot('model-history-drift');

    const promoter = await w.tabOf('alice', '/console/models/ranker');
    await promoter.page.getByText('Open drift').waitFor();
    expect(await promoter.page.getByRole('button', { name: 'Adopt…' }).count()).toBe(0);

    await page.getByRole('row', { name: /^3 / }).getByRole('button', { name: 'Adopt…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Adopt ranker version 3' });
    await dialog.getByLabel(/Reason/).fill('staged by hand for the A/B test');
    await dialog.getByRole('button', { name: 'Adopt version 3' }).click();
    await page.getByRole('status').filter({ hasText: 'You adopted ranker version 3: modelgate now expects it as MLflow holds it.' }).waitFor();
    await page.getByRole('row', { name: /^3 staging bob \(adoption\)/ }).waitFor();
    expect(await page.getByText('Open drift').count()).toBe(0);
    const [adopted] = (await w.t.request('GET', '/audit', { query: { model: 'ranker', action: 'registry.adopted' } })).body.items;
    expect(adopted).toMatchObject({ actor: 'bob', version: '3', to_stage: 'Staging', reason: 'staged by hand for the A/B test' });
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
