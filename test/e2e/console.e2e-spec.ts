import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestApp, expectError, startTestApp } from '../helpers/test-app';

const INDEX = '<!doctype html><html><head><script type="module" src="/console/app.js"></script></head><body></body></html>';

/** A console build as `npm run build` lays it out, small enough to read in a test. */
function writeBuild(dir: string): void {
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'app.js'), 'document.title = "console";');
  writeFileSync(join(dir, 'assets', 'app.css'), 'body { margin: 0 }');
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
}

const cspOf = (res: { headers: Record<string, unknown> }) => String(res.headers['content-security-policy']).split(/;\s*/);

describe('web console files', () => {
  let t: TestApp;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'modelgate-console-'));
    writeBuild(dir);
    t = await startTestApp({ env: { CONSOLE_DIR: dir } });
  });
  afterAll(() => t.close());

  it('serves each built file by name, with its type, and without a key', async () => {
    const cases: [string, string, string][] = [
      ['/console/app.js', 'text/javascript; charset=utf-8', 'document.title = "console";'],
      ['/console/assets/app.css', 'text/css; charset=utf-8', 'body { margin: 0 }'],
      ['/console/favicon.svg', 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg"/>'],
    ];
    for (const [url, type, text] of cases) {
      const res = await t.request('GET', url, { key: null });
      expect({ url, status: res.status, type: res.headers['content-type'], text: res.text }).toEqual({ url, status: 200, type, text });
    }
  });

  it('answers the app for every other /console address, so pages can be shared and reloaded', async () => {
    for (const url of ['/console', '/console/', '/console/audit?model=recsys', '/console/models/recsys.v2', '/console/promotions/6f1c1f52-6a0e-4c3a-9a51-0d3a2f0f1a01']) {
      const res = await t.request('GET', url, { key: null });
      expect({ url, status: res.status, type: res.headers['content-type'], text: res.text }).toEqual({ url, status: 200, type: 'text/html; charset=utf-8', text: INDEX });
    }
  });

  it('puts a strict policy on the console only: own files, no inline code or style, never framed', async () => {
    const page = await t.request('GET', '/console/audit', { key: null });
    const csp = cspOf(page);
    expect(csp).toEqual(expect.arrayContaining(["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"]));
    expect(csp.join(';')).not.toContain('unsafe-inline');
    expect(page.headers['x-frame-options']).toBe('DENY');

    const docs = await t.request('GET', '/docs', { key: null });
    expect(cspOf(docs)).toContain("script-src 'self' 'unsafe-inline'");
  });

  it('answers 304 to a browser that holds the current file', async () => {
    const first = await t.request('GET', '/console/app.js', { key: null });
    expect(first.headers['cache-control']).toBe('no-cache');
    const again = await t.request('GET', '/console/app.js', { key: null, headers: { 'if-none-match': String(first.headers.etag) } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });
});

describe('web console not built', () => {
  it('answers 503 CONSOLE_NOT_BUILT in the error shape, then serves the build once it is there', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'modelgate-console-')), 'console');
    const t = await startTestApp({ env: { CONSOLE_DIR: dir } });
    try {
      const res = await t.request('GET', '/console/', { key: null });
      expect(expectError(res, 503, 'CONSOLE_NOT_BUILT').message).toContain('npm run build');
      expect(cspOf(res)).toContain("frame-ancestors 'none'");

      writeBuild(dir);
      const built = await t.request('GET', '/console/inbox', { key: null });
      expect({ status: built.status, text: built.text }).toEqual({ status: 200, text: INDEX });
    } finally {
      await t.close();
    }
  });
});
