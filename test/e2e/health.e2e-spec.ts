import { withDatabase } from '../helpers/test-database';
import { TestApp, expectError, startTestApp } from '../helpers/test-app';

describe('health', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('is live and ready without a key', async () => {
    expect((await t.request('GET', '/health/live', { key: null })).body).toEqual({ status: 'ok' });
    const ready = await t.request('GET', '/health/ready', { key: null });
    expect(ready.status).toBe(200);
    expect(ready.body.details).toMatchObject({ postgres: { status: 'up' }, migrations: { status: 'up' }, mlflow: { status: 'up' } });
  });

  it('reports not ready while a migration this build knows is not applied', async () => {
    const removed = await withDatabase(t.databaseUrl, async (db) => (await db.query('DELETE FROM migrations WHERE id = (SELECT max(id) FROM migrations) RETURNING *')).rows[0]);
    try {
      const down = expectError(await t.request('GET', '/health/ready', { key: null }), 503, 'NOT_READY');
      expect(down.message).toContain('migrations');
      expect(down.details.migrations).toEqual(expect.objectContaining({ status: 'down', pending: [removed.name] }));
      expect(down.details.postgres.status).toBe('up');
    } finally {
      await withDatabase(t.databaseUrl, (db) => db.query('INSERT INTO migrations (id, timestamp, name) VALUES ($1, $2, $3)', [removed.id, removed.timestamp, removed.name]));
    }
    expect((await t.request('GET', '/health/ready', { key: null })).status).toBe(200);
  });

  it('reports not ready while PostgreSQL refuses it, stays live, and recovers on its own', async () => {
    const name = new URL(t.databaseUrl).pathname.slice(1);
    const admin = process.env.TEST_DATABASE_URL!;
    const block = async (allow: boolean) =>
      withDatabase(admin, async (db) => {
        await db.query(`ALTER DATABASE "${name}" WITH ALLOW_CONNECTIONS ${allow}`);
        if (!allow) await db.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
      });
    await block(false);
    try {
      const down = expectError(await t.request('GET', '/health/ready', { key: null }), 503, 'NOT_READY');
      expect(down.details).toMatchObject({ postgres: { status: 'down' }, migrations: { status: 'down' }, mlflow: { status: 'up' } });
      expect((await t.request('GET', '/health/live', { key: null })).status).toBe(200);
    } finally {
      await block(true);
    }
    const up = await t.request('GET', '/health/ready', { key: null });
    expect(up.status).toBe(200);
  });
});
