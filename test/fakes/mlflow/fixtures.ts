import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One captured exchange with a real MLflow: 2.9.2 (test/fixtures/mlflow/) or 3.11.2.dev0 (test/fixtures/mlflow3/). */
export interface MlflowFixture {
  request: {
    method: string;
    path: string;
    query?: Record<string, string>;
    body?: unknown;
    headers?: Record<string, string | null>;
  };
  status: number;
  headers: { 'content-type': string };
  response: unknown;
}

export interface Exchange {
  status: number;
  contentType: string;
  body: unknown;
}

export const FIXTURES_DIR = join(__dirname, '..', '..', 'fixtures', 'mlflow');
export const FIXTURES_DIR_3 = join(__dirname, '..', '..', 'fixtures', 'mlflow3');

export function loadFixture(name: string, dir = FIXTURES_DIR): MlflowFixture {
  return JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as MlflowFixture;
}

/** Replaces every occurrence of each key by its value in a JSON-able value. */
export function substitute<T>(value: T, replacements: Record<string, string>): T {
  let text = JSON.stringify(value);
  if (text === undefined) return value;
  for (const [from, to] of Object.entries(replacements)) text = text.split(from).join(to);
  return JSON.parse(text) as T;
}

/** Sends a fixture's request, as captured, to a server; `replacements` rewrite ids in it. */
export async function replay(baseUrl: string, fixture: MlflowFixture, replacements: Record<string, string> = {}): Promise<Exchange> {
  const req = substitute(fixture.request, replacements);
  const query = req.query ? `?${new URLSearchParams(req.query).toString()}` : '';
  const headers: Record<string, string> = {};
  const declared = req.headers && 'content-type' in req.headers ? req.headers['content-type'] : 'application/json';
  let body: Buffer | undefined;
  if (req.method !== 'GET' && req.body !== undefined) {
    body = Buffer.from(typeof req.body === 'string' ? req.body : JSON.stringify(req.body));
    if (declared) headers['content-type'] = declared;
  }
  const res = await fetch(`${baseUrl}${req.path}${query}`, { method: req.method, headers, body });
  const contentType = res.headers.get('content-type') ?? '';
  const text = await res.text();
  return { status: res.status, contentType, body: contentType.startsWith('application/json') ? JSON.parse(text) : text };
}

const TIMESTAMP_KEYS = new Set(['creation_timestamp', 'last_updated_timestamp', 'start_time', 'end_time', 'creation_time', 'last_update_time', 'timestamp']);

/** Timestamps become `<ts>` (after checking they are epoch-millisecond numbers); all else is kept. */
export function withoutTimestamps(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimestamps);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, TIMESTAMP_KEYS.has(k) && typeof v === 'number' && v > 1e12 ? '<ts>' : withoutTimestamps(v)]),
    );
  }
  return value;
}
