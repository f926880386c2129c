import { accessSync, constants, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, chromium } from 'playwright-core';

/** Headless, no sandbox (tests run as root in CI), and nothing that reaches out to the network by itself. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's Chromium (CHROMIUM_PATH, else /usr/bin/chromium); throws, saying how to install it, when missing. */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`The browser tests need Chromium, and there is none at ${path}: apt-get install chromium (or set CHROMIUM_PATH to a Chromium binary)`);
  }
  return path;
}

/** A fresh Chromium with a fresh profile (--user-data-dir); each page in it is a tab with its own sessionStorage. */
export function launchChromium(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'modelgate-chromium-')), {
    executablePath: chromiumPath(),
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
}
