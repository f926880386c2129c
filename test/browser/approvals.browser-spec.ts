import type { Page } from 'playwright-core';
import { PromotionReconciler } from '../../src/promotions/promotion-reconciler';
import { FakeMlflow } from '../fakes/mlflow';
import { promote, projectYaml, putProject } from '../helpers/promotions';
import { withDatabase } from '../helpers/test-database';
import { ConsoleWorld } from './support/console-world';

/** Staging versions of `credit` (roc_auc 0.91), one per scenario, so no test depends on another. */
const VERSIONS = 8;

describe('approvals in the console', () => {
  let mlflow: FakeMlflow;
  let w: ConsoleWorld;
  const stageOf = (model: string, v: number) => mlflow.state.registry.version(model, v).currentStage;
  const request = async (who: 'alice' | 'dave', model: string, v: number) => {
    const res = await promote(w.t, w.people[who], model, v, 'Production', { reason: `v${v} beats the current model on roc_auc` });
    expect(res.status).toBe(202);
    return res.body.id as string;
  };
  const card = (page: Page, model: string, v: number) => page.getByRole('article', { name: `${model} version ${v} to Production` });

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    for (let i = 0; i < VERSIONS; i++) mlflow.seed.modelVersion({ name: 'credit', stage: 'Staging', run: { metrics: { roc_auc: 0.91 } } });
    for (let i = 0; i < 2; i++) mlflow.seed.modelVersion({ name: 'churn', stage: 'Staging', run: { metrics: { roc_auc: 0.88, f1: 0.79 } } });
    w = await ConsoleWorld.start(mlflow);
    const quiet = 'notifications: { on_approval_needed: [] }';
    await putProject(w.t, 'credit', projectYaml('credit', 'credit', `promotion:\n  Production: { approvals: 1, metrics: { roc_auc: ">= 0.85" } }\n${quiet}`));
    await putProject(w.t, 'churn', projectYaml('churn', 'churn', `promotion:\n  Production: { approvals: 2, metrics: { roc_auc: ">= 0.85", f1: ">= 0.75" } }\n${quiet}`));
  });
  afterEach(async () => expect(await w.problemsSinceLastCheck()).toEqual([]));
  afterAll(async () => {
    await w?.stop();
    await mlflow?.stop();
  });

  it('shows a reader what waits, without a single decision button', async () => {
    const id = await request('alice', 'credit', 1);
    const tab = await w.tabOf('auditor');
    const { page } = tab;
    await page.getByRole('link', { name: 'credit version 1: Staging → Production' }).waitFor();
    await tab.screenshot('inbox-reader');
    expect(await page.getByRole('heading', { name: /Awaiting your decision/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Approve|Reject/ }).count()).toBe(0);

    await page.getByRole('link', { name: 'credit version 1: Staging → Production' }).click();
    await page.getByText('0 of 1 approvals (1 missing)').waitFor();
    expect(page.url()).toBe(`${w.t.baseUrl}/console/promotions/${id}`);
    expect(await page.getByRole('button', { name: /Approve|Reject/ }).count()).toBe(0);
    await tab.screenshot('promotion-reader');
  });

  it('lets an approver approve from the inbox; the page and MLflow show it completed', async () => {
    const id = await request('alice', 'credit', 2);
    await request('alice', 'churn', 1);
    const tab = await w.tabOf('bob');
    const { page } = tab;
    const credit = card(page, 'credit', 2);
    await credit.getByRole('table').waitFor();
    expect(await credit.getByRole('row', { name: /metric:roc_auc yes 0\.91 >= 0\.85/ }).count()).toBe(1);
    await tab.screenshot('inbox-approver');

    await credit.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('status').filter({ hasText: 'You approved credit version 2: Staging → Production: it is now completed' }).waitFor();
    await credit.waitFor({ state: 'detached' });
    expect(stageOf('credit', 2)).toBe('Production');
    const keys = await withDatabase(w.t.databaseUrl, async (db) => (await db.query(`SELECT key, route FROM idempotency_keys WHERE key_holder = 'bob'`)).rows);
    expect(keys).toEqual([{ key: expect.stringMatching(/^console-[0-9a-f]{32}$/), route: expect.stringContaining('/approve') }]);

    await tab.goto(`/console/promotions/${id}`);
    await page.locator('.badge', { hasText: 'completed' }).first().waitFor();
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await timeline.getByText('promotion.approved by bob').waitFor();
    expect(await timeline.getByText('promotion.completed by alice').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await tab.screenshot('promotion-completed');
  });

  it('rejects with a comment, archiving the Staging candidate as the box says by default', async () => {
    const id = await request('alice', 'credit', 3);
    const { page } = await w.tabOf('carol', `/console/promotions/${id}`);
    const archive = page.getByRole('checkbox', { name: /archive the candidate/ });
    expect(await archive.isChecked()).toBe(true);
    await page.getByLabel('Comment').fill('drift on segment B');
    await page.getByRole('button', { name: 'Reject' }).click();
    await page.getByRole('status').filter({ hasText: 'You rejected this promotion: it is now rejected' }).waitFor();

    const saved = await w.t.request('GET', `/promotions/${id}`);
    expect(saved.body).toMatchObject({ status: 'rejected', approvals: [{ approver: 'carol', decision: 'reject', comment: 'drift on segment B' }] });
    expect(stageOf('credit', 3)).toBe('Archived');
    await page.getByRole('region', { name: 'Timeline' }).getByText('drift on segment B').waitFor();
  });

  it("shows the requester the server's refusal when they approve their own promotion", async () => {
    const id = await request('dave', 'credit', 4);
    const tab = await w.tabOf('dave', `/console/promotions/${id}`);
    await tab.page.getByRole('button', { name: 'Approve' }).click();
    const alert = tab.page.getByRole('alert');
    await alert.filter({ hasText: 'The requester cannot decide on their own promotion (403 SELF_APPROVAL)' }).waitFor();
    await tab.screenshot('promotion-self-approval');
    expect((await w.t.request('GET', `/promotions/${id}`)).body.status).toBe('pending_approval');
    expect(stageOf('credit', 4)).toBe('Staging');
  });

  it('shows a new request in an open inbox within 5 s, without a reload', async () => {
    const { page } = await w.tabOf('bob');
    await page.getByRole('heading', { name: /Awaiting your decision/ }).waitFor();
    await page.evaluate('window.__sameDocument = true');
    await request('alice', 'credit', 5);
    const started = Date.now();
    await card(page, 'credit', 5).waitFor({ timeout: 5000 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
  });

  it('takes one approval from the keyboard alone', async () => {
    const id = await request('alice', 'credit', 6);
    const { page } = await w.tabOf('bob');
    await card(page, 'credit', 6).waitFor();
    const focused = () => page.evaluate(`(() => {
      const el = document.activeElement;
      const article = el && el.closest('article');
      return (el ? el.textContent.trim() : '') + ' in ' + (article ? article.getAttribute('aria-label') : 'nothing');
    })()`);
    let presses = 0;
    while ((await focused()) !== 'Approve in credit version 6 to Production') {
      expect(++presses).toBeLessThan(60);
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'You approved credit version 6: Staging → Production: it is now completed' }).waitFor();
    expect((await w.t.request('GET', `/promotions/${id}`)).body.status).toBe('completed');
    expect(stageOf('credit', 6)).toBe('Production');
  });

  it('shows a promotion whose last vote is in while MLflow is down as approved, until it is applied', async () => {
    const id = await request('alice', 'credit', 7);
    const { page } = await w.tabOf('bob');
    mlflow.failWith(503);
    try {
      await card(page, 'credit', 7).getByRole('button', { name: 'Approve' }).click();
      await page.getByRole('status').filter({ hasText: 'You approved credit version 7: Staging → Production: it is now approved' }).waitFor();
      // Still open: the inbox lists it, as approved, at its next refresh.
      const row = page.getByRole('region', { name: /^Open promotions/ }).getByRole('row', { name: /credit version 7: Staging → Production approved alice 1 of 1 approvals/ });
      await row.waitFor({ timeout: 5000 });
      const carol = await w.tabOf('carol', `/console/promotions/${id}`);
      await carol.page.getByText('All approvals are in but MLflow could not be reached: the promotion will be applied when MLflow answers').waitFor();
      expect(await carol.page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
      await carol.screenshot('promotion-approved');
      expect(stageOf('credit', 7)).toBe('Staging');
    } finally {
      mlflow.clearFaults();
    }
    await w.t.app.get(PromotionReconciler).reconcile();
    expect((await w.t.request('GET', `/promotions/${id}`)).body.status).toBe('completed');
    expect(stageOf('credit', 7)).toBe('Production');
    await page.getByRole('row', { name: /credit version 7/ }).waitFor({ state: 'detached', timeout: 5000 });
  });

  it('counts approvals: one of two leaves the promotion pending', async () => {
    const id = await request('alice', 'churn', 2);
    const { page } = await w.tabOf('carol', `/console/promotions/${id}`);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('status').filter({ hasText: 'You approved this promotion: it is now pending approval' }).waitFor();
    await page.getByText('1 of 2 approvals (1 missing)').first().waitFor();
    expect(stageOf('churn', 2)).toBe('Staging');
  });
});
