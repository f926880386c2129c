import { FakeMlflow } from '../fakes/mlflow';

/** README behaviours of MLflow 2.9.2 that no single fixture shows, and the fake's fault controls. */

const API = '/api/2.0/mlflow';

async function call(fake: FakeMlflow, method: string, path: string, body?: unknown, contentType = 'application/json') {
  const res = await fetch(`${fake.url}${API}/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': contentType },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: res.headers.get('content-type') === 'application/json' ? JSON.parse(text) : text };
}

describe('fake MLflow behaviours beyond the fixtures', () => {
  let fake: FakeMlflow;
  beforeEach(async () => {
    fake = await FakeMlflow.start();
    fake.seed.recsysScenario();
  });
  afterEach(() => fake.stop());

  it('archives with the transition’s own timestamp and bumps the model, while alias and tag change no timestamp', async () => {
    fake.seed.modelVersion({ name: 'recsys', runId: null, stage: 'Production' });
    const t = (await call(fake, 'POST', 'model-versions/transition-stage', { name: 'recsys', version: '2', stage: 'Production', archive_existing_versions: true })).body.model_version;
    const v4 = (await call(fake, 'GET', 'model-versions/get?name=recsys&version=4')).body.model_version;
    expect(v4).toEqual(expect.objectContaining({ current_stage: 'Archived', last_updated_timestamp: t.last_updated_timestamp }));
    const model = (await call(fake, 'GET', 'registered-models/get?name=recsys')).body.registered_model;
    expect(model.last_updated_timestamp).toBe(t.last_updated_timestamp);

    await call(fake, 'POST', 'registered-models/alias', { name: 'recsys', alias: 'champion', version: '2' });
    await call(fake, 'POST', 'model-versions/set-tag', { name: 'recsys', version: '2', key: 'k', value: 'v' });
    const after = (await call(fake, 'GET', 'model-versions/get?name=recsys&version=2')).body.model_version;
    expect(after.last_updated_timestamp).toBe(t.last_updated_timestamp);
    expect((await call(fake, 'GET', 'registered-models/get?name=recsys')).body.registered_model.last_updated_timestamp).toBe(t.last_updated_timestamp);
  });

  it('pages registry searches with base64 {"offset": N} tokens, and omits the token on the last page', async () => {
    const first = await call(fake, 'GET', `model-versions/search?filter=${encodeURIComponent("name='recsys'")}&max_results=1`);
    expect(first.body.next_page_token).toBe('eyJvZmZzZXQiOiAxfQ==');
    const last = await call(fake, 'GET', `model-versions/search?filter=${encodeURIComponent("name='recsys'")}&max_results=2&page_token=eyJvZmZzZXQiOiAxfQ==`);
    expect(last.body.model_versions).toHaveLength(2);
    expect(last.body).not.toHaveProperty('next_page_token');
    fake.seed.model('recsys-2');
    expect((await call(fake, 'GET', 'registered-models/search?max_results=1')).body.next_page_token).toBe('eyJvZmZzZXQiOiAxfQ==');
  });

  it('reads a GET version as an integer ("02" is 2), deletes an unknown alias with {}, and wants JSON on POST', async () => {
    expect((await call(fake, 'GET', 'model-versions/get?name=recsys&version=02')).body.model_version.version).toBe('2');
    expect(await call(fake, 'DELETE', 'registered-models/alias', { name: 'recsys', alias: 'nobody' })).toEqual({ status: 200, body: {} });
    const plain = await call(fake, 'POST', 'registered-models/get-latest-versions', { name: 'recsys' }, 'text/plain');
    expect(plain).toEqual({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: "Bad Request. Content-Type must be one of ['application/json']." } });
  });

  it('orders model-version searches by order_by when given (MLflow 2.9 accepts version_number DESC)', async () => {
    const res = await call(fake, 'GET', `model-versions/search?filter=${encodeURIComponent("name='recsys'")}&order_by=${encodeURIComponent('version_number DESC')}`);
    expect(res.body.model_versions.map((v: { version: string }) => v.version)).toEqual(['3', '2', '1']);
  });
});

describe('fake MLflow fault controls', () => {
  let fake: FakeMlflow;
  beforeEach(async () => {
    fake = await FakeMlflow.start();
  });
  afterEach(() => fake.stop());

  it('fails only the next N calls, then answers again', async () => {
    fake.failNext(2, 503);
    expect((await fetch(`${fake.url}/health`)).status).toBe(503);
    expect((await fetch(`${fake.url}/health`)).status).toBe(503);
    expect((await fetch(`${fake.url}/health`)).status).toBe(200);
  });

  it('answers 500 to every call until cleared, and can be limited to one route', async () => {
    fake.failWith(500, 'registered-models/search');
    expect((await call(fake, 'GET', 'registered-models/search')).status).toBe(500);
    expect((await fetch(`${fake.url}/health`)).status).toBe(200);
    fake.clearFaults();
    expect((await call(fake, 'GET', 'registered-models/search')).status).toBe(200);
  });

  it('drops the connection without answering', async () => {
    fake.failNext(1, 'drop');
    await expect(fetch(`${fake.url}/health`)).rejects.toThrow();
  });

  it('adds latency, and records every request it got', async () => {
    fake.setLatency(150);
    const started = Date.now();
    await fetch(`${fake.url}/health`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /health']);
  });

  it('serves under a base path and refuses calls without the configured credentials', async () => {
    const guarded = await FakeMlflow.start({ basePath: '/mlflow', auth: { token: 's3cret' } });
    try {
      expect(guarded.url).toMatch(/\/mlflow$/);
      expect((await fetch(`${guarded.url}/health`)).status).toBe(401);
      expect((await fetch(`${guarded.url}/health`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
      expect((await fetch(`${guarded.url.replace(/\/mlflow$/, '')}/health`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(404);
    } finally {
      await guarded.stop();
    }
  });
});
