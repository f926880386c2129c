import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

const SCREENSHOTS = join(__dirname, '..', '..', '..', 'test-results');

/** Records the CSP violations the page reports (an init script comes from the browser, not the page: CSP does not apply). */
const WATCH_CSP = `document.addEventListener('securitypolicyviolation', (e) => {
  (window.__cspViolations = window.__cspViolations || []).push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline'));
});`;

/** Chromium logs every non-2xx fetch like this; the API's refusals are part of the flows under test, its files are checked below. */
const HTTP_STATUS_NOTE = /^Failed to load resource: the server responded with a status of \d+/;

/**
 * One browser tab on the console, and everything that went wrong in it: console errors, uncaught
 * exceptions, CSP violations, and any console file that failed to load.
 */
export class ConsoleTab {
  readonly problems: string[] = [];

  private constructor(
    readonly page: Page,
    private readonly baseUrl: string,
  ) {
    page.on('console', (m) => {
      if (m.type() === 'error' && !HTTP_STATUS_NOTE.test(m.text())) this.problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => this.problems.push(`uncaught: ${e.message}`));
    page.on('response', (r) => {
      if (new URL(r.url()).pathname.startsWith('/console') && r.status() >= 400) this.problems.push(`${r.status()} for ${r.url()}`);
    });
    page.on('requestfailed', (r) => {
      if (r.failure()?.errorText !== 'net::ERR_ABORTED') this.problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
    });
  }

  static async open(context: BrowserContext, baseUrl: string, path = '/console/'): Promise<ConsoleTab> {
    const page = await context.newPage();
    await page.addInitScript(WATCH_CSP);
    const tab = new ConsoleTab(page, baseUrl);
    await tab.goto(path);
    return tab;
  }

  /** Opens the console at `path` and signs in with `key` on the sign-in page it shows. */
  static async signedIn(context: BrowserContext, baseUrl: string, key: string, path = '/console/'): Promise<ConsoleTab> {
    const tab = await ConsoleTab.open(context, baseUrl, path);
    await tab.signIn(key);
    return tab;
  }

  async goto(path: string): Promise<void> {
    await this.page.goto(`${this.baseUrl}${path}`);
  }

  async signIn(key: string): Promise<void> {
    await this.page.getByLabel('API key').fill(key);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await this.page.getByRole('button', { name: 'Sign out' }).waitFor();
  }

  /** A full-page screenshot in test-results/, to look at. */
  async screenshot(name: string): Promise<void> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await this.page.screenshot({ path: join(SCREENSHOTS, `console-${name}.png`), fullPage: true });
  }

  async cspViolations(): Promise<string[]> {
    return this.page.evaluate('window.__cspViolations || []');
  }

  /** Everything that went wrong in this tab so far. */
  async allProblems(): Promise<string[]> {
    return [...this.problems, ...(await this.cspViolations()).map((v) => `CSP violation: ${v}`)];
  }

  async close(): Promise<void> {
    await this.page.close();
  }
}
