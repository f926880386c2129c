import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApp } from '../../src/app.factory';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { FakeMlflow } from '../fakes/mlflow';
import { createTestDatabase } from './test-database';

export interface TestResponse<T = any> {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: T;
  text: string;
}

export interface RequestOptions {
  /** API key to send as `Authorization: Bearer`; defaults to the admin key; `null` sends none. */
  key?: string | null;
  body?: unknown;
  /** Sent as is, with this content type, instead of JSON. */
  raw?: { payload: string | Buffer; contentType: string };
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  databaseUrl: string;
  adminKey: string;
  /** Set when started with `listen: true`. */
  baseUrl?: string;
  /** The empty fake MLflow started when the env names no MLFLOW_TRACKING_URI (readiness asks MLflow). */
  mlflow?: FakeMlflow;
  request<T = any>(method: string, url: string, options?: RequestOptions): Promise<TestResponse<T>>;
  /** Creates an API key with these roles through the API; returns the key. */
  createKey(name: string, roles: string[]): Promise<string>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Environment for loadConfig, on top of the test defaults. */
  env?: Record<string, string | undefined>;
  /** Reuse a database (e.g. to restart an app on the same data); default: a fresh one. */
  databaseUrl?: string;
  /** Listen on a random loopback port (for real HTTP clients); default: inject only. */
  listen?: boolean;
  /** The root logger (e.g. one writing to a capture, to read the lines); default: silent. */
  logger?: pino.Logger;
}

/** Boots the whole app on a fresh database (or the given one), as main.ts does. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase());
  const mlflow = options.env && 'MLFLOW_TRACKING_URI' in options.env ? undefined : await FakeMlflow.start();
  const adminKey = options.env?.ADMIN_API_KEY ?? `mg_test_admin_${randomBytes(16).toString('hex')}`;
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    ADMIN_API_KEY: adminKey,
    MODELGATE_DATA_DIR: mkdtempSync(join(tmpdir(), 'modelgate-test-data-')),
    LOG_LEVEL: 'silent',
    MLFLOW_TRACKING_URI: mlflow?.url ?? 'http://127.0.0.1:9',
    MLFLOW_TIMEOUT_MS: '1000',
    ...options.env,
  });
  const app = await createApp(config, databaseUrl, options.logger ?? pino({ level: 'silent' }));
  let baseUrl: string | undefined;
  if (options.listen) {
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  const request = async <T>(method: string, url: string, opts: RequestOptions = {}): Promise<TestResponse<T>> => {
    const key = opts.key === undefined ? adminKey : opts.key;
    const headers: Record<string, string> = { ...(key ? { authorization: `Bearer ${key}` } : {}), ...opts.headers };
    let payload: string | Buffer | undefined;
    if (opts.raw) {
      payload = opts.raw.payload;
      headers['content-type'] = opts.raw.contentType;
    } else if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    const res = await app.inject({ method: method as 'GET', url, headers, payload, query: opts.query });
    let body: unknown = res.body;
    if (String(res.headers['content-type'] ?? '').includes('json') && res.body.length > 0) body = JSON.parse(res.body);
    return { status: res.statusCode, headers: res.headers, body: body as T, text: res.body };
  };

  return {
    app,
    config,
    databaseUrl,
    adminKey,
    baseUrl,
    request,
    async createKey(name, roles) {
      const res = await request('POST', '/api-keys', { body: { name, roles } });
      if (res.status !== 201) throw new Error(`could not create key ${name}: ${res.status} ${res.text}`);
      return (res.body as { key: string }).key;
    },
    mlflow,
    close: async () => {
      await app.close();
      await mlflow?.stop();
    },
  };
}

/** Asserts the error shape (`{ status, code, message, details?, request_id }`) and returns the body for further checks. */
export function expectError(res: TestResponse, status: number, code: string): any {
  expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
  expect(res.body).toEqual(
    expect.objectContaining({ status, code, message: expect.any(String), request_id: res.headers['x-request-id'] }),
  );
  return res.body;
}
