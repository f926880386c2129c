import { Writable } from 'node:stream';
import { createRootLogger } from '../../src/logging/logger';
import { TestApp, startTestApp } from '../helpers/test-app';

interface LogLine {
  level: number;
  msg: string;
  request_id?: string;
  context?: string;
  req?: { method: string; url: string };
  res?: { status: number };
  responseTime?: number;
  [field: string]: unknown;
}

const INFO = 30;
const DEBUG = 20;

/** The log lines of a request: its id ties what its code logged to its answer. */
describe('request logs', () => {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  let t: TestApp;
  const of = (requestId: string) => lines.filter((l) => l.request_id === requestId);

  beforeAll(async () => {
    t = await startTestApp({ listen: true, logger: createRootLogger('debug', { pretty: false, destination: sink }) });
  });
  afterAll(() => t?.close());

  it('gives every line logged while serving a request that request\'s id, the one it answered with', async () => {
    // Over a socket: the body is read after the request's first hooks ran, and its handler must still run in the request's context.
    const res = await fetch(`${t.baseUrl}/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.adminKey}`, 'content-type': 'application/json', 'x-request-id': 'log-trail-1' },
      body: JSON.stringify({ name: 'logged-key', roles: ['reader'] }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe('log-trail-1');
    const { key } = (await res.json()) as { key: string };
    // Written after awaits on the database (the key's insert, the audit append): the id followed the request there.
    expect(of('log-trail-1')).toEqual([
      expect.objectContaining({ level: DEBUG, context: 'AuditLog', msg: 'audit event appended', action: 'api_key.created' }),
      expect.objectContaining({ level: INFO, context: 'ApiKeysService', msg: 'API key created', name: 'logged-key' }),
      expect.objectContaining({ level: DEBUG, msg: 'request completed', req: { method: 'POST', url: '/api-keys' }, res: { status: 201 } }),
    ]);
    expect(JSON.stringify(of('log-trail-1'))).not.toContain(key);
  });

  it('logs successful answers at debug and refusals at info, each with its status and time, and probes not at all', async () => {
    await t.request('GET', '/me', { headers: { 'x-request-id': 'log-ok' } });
    await t.request('GET', '/me', { key: null, headers: { 'x-request-id': 'log-refused' } });
    await t.request('GET', '/health/live', { headers: { 'x-request-id': 'log-probe' } });
    expect(of('log-ok')).toEqual([expect.objectContaining({ level: DEBUG, res: { status: 200 }, responseTime: expect.any(Number) })]);
    expect(of('log-refused')).toEqual([expect.objectContaining({ level: INFO, msg: 'request completed', res: { status: 401 } })]);
    expect(of('log-probe')).toEqual([]);
  });
});
