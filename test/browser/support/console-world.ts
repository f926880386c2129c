import type { BrowserContext } from 'playwright-core';
import { FakeMlflow } from '../../fakes/mlflow';
import { TestApp, startTestApp } from '../../helpers/test-app';
import { launchChromium } from './chromium';
import { ConsoleTab } from './console-tab';

export interface People {
  admin: string;
  /** reader */
  auditor: string;
  /** promoter */
  alice: string;
  /** approvers */
  bob: string;
  carol: string;
  /** promoter and approver: may request, never decide on their own */
  dave: string;
}

/**
 * The app on the fakes, listening on loopback, with a Chromium to drive it and a key per person.
 * Every tab opened through it is checked, after each test, for console errors and CSP violations.
 */
export class ConsoleWorld {
  private readonly tabs: ConsoleTab[] = [];

  private constructor(
    readonly t: TestApp,
    readonly mlflow: FakeMlflow,
    readonly browser: BrowserContext,
    readonly people: People,
  ) {}

  static async start(mlflow: FakeMlflow, env: Record<string, string | undefined> = {}): Promise<ConsoleWorld> {
    const t = await startTestApp({ listen: true, env: { MLFLOW_TRACKING_URI: mlflow.url, ...env } });
    const people: People = {
      admin: t.adminKey,
      auditor: await t.createKey('auditor', ['reader']),
      alice: await t.createKey('alice', ['promoter']),
      bob: await t.createKey('bob', ['approver']),
      carol: await t.createKey('carol', ['approver']),
      dave: await t.createKey('dave', ['promoter', 'approver']),
    };
    return new ConsoleWorld(t, mlflow, await launchChromium(), people);
  }

  /** A new tab (its own sessionStorage), signed in as `who`, at `path`. */
  async tabOf(who: keyof People, path = '/console/'): Promise<ConsoleTab> {
    const tab = await ConsoleTab.signedIn(this.browser, this.t.baseUrl!, this.people[who], path);
    this.tabs.push(tab);
    return tab;
  }

  /** A new tab at `path`, not signed in. */
  async anonymousTab(path = '/console/'): Promise<ConsoleTab> {
    const tab = await ConsoleTab.open(this.browser, this.t.baseUrl!, path);
    this.tabs.push(tab);
    return tab;
  }

  /** What went wrong in the tabs of the test that just ran; closes them. */
  async problemsSinceLastCheck(): Promise<string[]> {
    const problems: string[] = [];
    for (const tab of this.tabs.splice(0)) {
      problems.push(...(await tab.allProblems()).map((p) => `${tab.page.url()}: ${p}`));
      await tab.close();
    }
    return problems;
  }

  async stop(): Promise<void> {
    await this.browser?.close();
    await this.t?.close();
  }
}
