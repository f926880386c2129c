import { TestApp, startTestApp } from '../helpers/test-app';

describe('GET /metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('is public Prometheus text with process metrics and per-route HTTP counts by template', async () => {
    await t.request('DELETE', '/api-keys/00000000-0000-4000-8000-000000000000');
    await t.request('GET', '/no/such/route');
    const res = await t.request('GET', '/metrics', { key: null });
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toContain('text/plain');
    expect(res.text).toContain('process_cpu_user_seconds_total');
    expect(res.text).toContain('modelgate_http_requests_total{route="/api-keys/:id",method="DELETE",status="404"} 1');
    expect(res.text).not.toContain('00000000-0000-4000-8000-000000000000');
    expect(res.text).toMatch(/modelgate_http_request_duration_seconds_bucket\{le="0.005",route="\/api-keys\/:id"/);
  });
});
