import { TestApp, startTestApp } from '../helpers/test-app';
import { withDatabase } from '../helpers/test-database';

/** The replicas' LISTEN/NOTIFY feed: one connection per process, shared by its features, and re-opened when it drops. */
describe('change feed', () => {
  let a: TestApp;
  let b: TestApp;
  const feedBackends = () =>
    withDatabase(process.env.TEST_DATABASE_URL!, async (db) => {
      const rows = await db.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'modelgate-change-feed' ORDER BY pid",
        [new URL(a.databaseUrl).pathname.slice(1)],
      );
      return rows.rows;
    });
  const waitForBackends = async (count: number, not: number[] = []) => {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      const rows = await feedBackends();
      if (rows.length === count && rows.every((r) => !not.includes(r.pid))) return rows;
    }
    throw new Error(`expected ${count} change feed connections`);
  };

  beforeAll(async () => {
    a = await startTestApp();
    b = await startTestApp({ databaseUrl: a.databaseUrl, env: { ADMIN_API_KEY: a.adminKey } });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('holds one connection per replica for every channel it follows', async () => {
    expect(await waitForBackends(2)).toHaveLength(2); // the API keys' and the deploy gate's channels share it
  });

  it('re-opens a dropped connection and hears other replicas again', async () => {
    const before = await waitForBackends(2);
    await withDatabase(process.env.TEST_DATABASE_URL!, (db) => db.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [before.map((r) => r.pid)]));
    await waitForBackends(2, before.map((r) => r.pid));

    await new Promise((r) => setTimeout(r, 100)); // the re-opened feeds' LISTENs are in place
    const key = await a.createKey('feed-reader', ['reader']);
    expect((await b.request('GET', '/deploy-decisions', { key })).status).toBe(200); // b now answers this key from memory
    const id = (await a.request('GET', '/api-keys')).body.items.find((k: { name: string }) => k.name === 'feed-reader').id;
    expect((await a.request('DELETE', `/api-keys/${id}`)).status).toBe(200);
    const started = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - started < 2000) status = (await b.request('GET', '/deploy-decisions', { key })).status;
    expect(status).toBe(401);
    expect(Date.now() - started).toBeLessThan(500);
  });
});
