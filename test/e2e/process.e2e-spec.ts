import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OUTBOX_LANES } from '../../src/outbox/outbox.worker';
import { spawnApp } from '../helpers/app-process';
import { createTestDatabase } from '../helpers/test-database';

const tmp = () => mkdtempSync(join(tmpdir(), 'modelgate-proc-'));

describe('the service process', () => {
  it('refuses a bad environment with exit code 1 and one message naming every bad variable', async () => {
    const app = spawnApp({ PORT: 'abc', MLFLOW_TRACKING_URI: 'not a url', SLACK_WEBHOOKS: '{bad json', MODELGATE_DATA_DIR: tmp() });
    expect(await app.exited).toBe(1);
    const out = app.output();
    expect(out).toContain('Invalid configuration');
    for (const name of ['PORT', 'MLFLOW_TRACKING_URI', 'SLACK_WEBHOOKS']) expect(out).toContain(`${name}:`);
    expect(out).not.toContain('{bad json');
  });

  (process.getuid?.() === 0 ? it : it.skip)('as root, with its data under a folder PostgreSQL\'s user cannot enter: one sentence, exit 1', async () => {
    const home = tmp(); // 0700, like /root
    const app = spawnApp({ PORT: '0', HOST: '127.0.0.1', MODELGATE_DATA_DIR: join(home, 'clone', '.modelgate') });
    expect(await app.exited).toBe(1);
    const lines = app.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^modelgate: The embedded PostgreSQL cannot start: .*cannot enter ${home} .*DATABASE_URL.*MODELGATE_DATA_DIR.*other than root\.$`));
  });

  it('serves on DATABASE_URL and stops cleanly on SIGTERM', async () => {
    const app = spawnApp({
      DATABASE_URL: await createTestDatabase(),
      PORT: '0',
      HOST: '127.0.0.1',
      ADMIN_API_KEY: 'a-long-enough-admin-key-for-tests',
      MODELGATE_DATA_DIR: tmp(),
    });
    const port = await app.listening;
    const live = await fetch(`http://127.0.0.1:${port}/health/live`);
    expect(live.status).toBe(200);
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(app.output()).not.toContain('a-long-enough-admin-key-for-tests');
    expect(app.output()).not.toContain('cannot cover the');
  });

  it('warns at start, naming the pool size, when DATABASE_POOL_SIZE cannot cover the outbox lanes and requests', async () => {
    const app = spawnApp({
      DATABASE_URL: await createTestDatabase(),
      DATABASE_POOL_SIZE: '3',
      PORT: '0',
      HOST: '127.0.0.1',
      ADMIN_API_KEY: 'a-long-enough-admin-key-for-tests',
      MODELGATE_DATA_DIR: tmp(),
    });
    await app.listening;
    const warning = app.output().split('\n').find((line) => line.includes('cannot cover the'));
    expect(JSON.parse(warning!)).toMatchObject({ level: 40, pool_size: 3, outbox_lanes: OUTBOX_LANES, msg: expect.stringContaining('DATABASE_POOL_SIZE=3') });
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
  });

  it('on embedded PostgreSQL: makes a first admin key, keeps data across restarts, survives a kill -9', async () => {
    const dataDir = tmp();
    const env = { PORT: '0', HOST: '127.0.0.1', MODELGATE_DATA_DIR: dataDir };

    const first = spawnApp(env);
    const port1 = await first.listening;
    const keyFile = join(dataDir, 'admin.key');
    const key = readFileSync(keyFile, 'utf8').trim();
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(first.output()).toContain(keyFile);
    expect(first.output()).not.toContain(key);
    const created = await fetch(`http://127.0.0.1:${port1}/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'kept-across-restarts', roles: ['reader'] }),
    });
    expect(created.status).toBe(201);
    first.child.kill('SIGKILL');
    await first.exited;
    const second = spawnApp(env);
    const port2 = await second.listening;
    const list = await fetch(`http://127.0.0.1:${port2}/api-keys`, { headers: { authorization: `Bearer ${key}` } });
    const names = ((await list.json()) as { items: { name: string }[] }).items.map((k) => k.name);
    expect(names).toEqual(['admin', 'kept-across-restarts']);
    // The embedded server outlives a kill -9 of its parent: the restart must find and stop the orphan.
    expect(second.output()).toContain('orphaned PostgreSQL');
    expect(readFileSync(keyFile, 'utf8').trim()).toBe(key);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

  }, 60_000);
});
