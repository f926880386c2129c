import { FakeMlflow } from '../fakes/mlflow';
import { ConsoleTab } from './support/console-tab';
import { ConsoleWorld } from './support/console-world';

describe('signing in to the console', () => {
  let mlflow: FakeMlflow;
  let w: ConsoleWorld;

  beforeAll(async () => {
    mlflow = await FakeMlflow.start();
    w = await ConsoleWorld.start(mlflow);
  });
  afterEach(async () => expect(await w.problemsSinceLastCheck()).toEqual([]));
  afterAll(async () => {
    await w?.stop();
    await mlflow?.stop();
  });

  it('signs in on the shared address, keeps the key out of the address, and forgets it on sign out', async () => {
    const tab = await w.anonymousTab('/console/audit?actor=alice');
    const { page } = tab;
    await page.getByLabel('API key').fill('mg_not_a_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The API key is unknown or revoked. Sign in again.' }).waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await tab.screenshot('sign-in-refused');

    await tab.signIn(w.people.auditor);
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    expect(page.url()).toBe(`${w.t.baseUrl}/console/audit?actor=alice`);
    expect(await page.getByLabel('Actor').inputValue()).toBe('alice');
    expect(await page.evaluate('document.cookie')).toBe('');

    await page.reload();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await page.reload();
    await page.getByLabel('API key').waitFor();
  });

  it('returns to sign-in when the key is revoked while signed in', async () => {
    const key = await w.t.createKey('soon-revoked', ['reader']);
    const tab = await ConsoleTab.signedIn(w.browser, w.t.baseUrl!, key, '/console/models');
    await tab.page.getByRole('heading', { name: 'Models', exact: true }).waitFor();
    const id = (await w.t.request('GET', '/api-keys')).body.items.find((k: { name: string }) => k.name === 'soon-revoked').id;
    expect((await w.t.request('DELETE', `/api-keys/${id}`)).status).toBe(200);
    await tab.page.getByRole('link', { name: 'Audit' }).click();
    await tab.page.getByRole('alert').filter({ hasText: 'The API key is unknown or revoked. Sign in again.' }).waitFor();
    expect(await tab.page.evaluate('sessionStorage.length')).toBe(0);
    expect(await tab.allProblems()).toEqual([]);
    await tab.close();
  });

  it('tells a ci key it cannot read, rather than showing empty pages', async () => {
    const ci = await w.t.createKey('ci-github', ['ci']);
    const tab = await w.anonymousTab();
    await tab.page.getByLabel('API key').fill(ci);
    await tab.page.getByRole('button', { name: 'Sign in' }).click();
    await tab.page.getByRole('alert').filter({ hasText: 'The key ci-github (ci) cannot read' }).waitFor();
    expect(await tab.page.getByRole('navigation', { name: 'Pages' }).count()).toBe(0);
  });

  it("enforces the console's policy: an inline script is refused and reported", async () => {
    const tab = await ConsoleTab.open(w.browser, w.t.baseUrl!);
    await tab.page.getByLabel('API key').waitFor();
    await tab.page.evaluate(`(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.body.append(s);
    })()`);
    expect(await tab.page.evaluate('window.__inlineRan === true')).toBe(false);
    await tab.page.waitForFunction('(window.__cspViolations || []).length > 0');
    expect(await tab.cspViolations()).toEqual(['script-src-elem blocked inline']);
    await tab.close();
  });
});
