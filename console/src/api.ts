import { currentKey, signOut } from './session';

/** An answer in the API's error shape: { status, code, message, details?, request_id }. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export type Query = Record<string, string | number | undefined | null>;

interface Call {
  query?: Query;
  body?: unknown;
  /** Sends a fresh Idempotency-Key: a retried click cannot act twice. */
  idempotent?: boolean;
}

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** 128 random bits; crypto.randomUUID needs a secure context, which a plain-HTTP deployment is not. */
export function idempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `console-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

async function send(method: string, path: string, call: Call, accept: string): Promise<Response> {
  const key = currentKey();
  const headers: Record<string, string> = { accept };
  if (key) headers.authorization = `Bearer ${key}`;
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  if (call.idempotent) headers['idempotency-key'] = idempotencyKey();
  const res = await fetch(withQuery(path, call.query), {
    method,
    headers,
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
    credentials: 'omit',
    cache: 'no-store',
  });
  if (res.ok) return res;
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  const error = new ApiError(res.status, String(body.code ?? 'HTTP_ERROR'), String(body.message ?? `HTTP ${res.status}`), body);
  if (res.status === 401) signOut(`${error.message}. Sign in again.`);
  throw error;
}

/** Calls the JSON API with the signed-in key; a 401 signs out (back to the sign-in page). */
export async function api<T>(method: string, path: string, call: Call = {}): Promise<T> {
  const res = await send(method, path, call, 'application/json');
  return (await res.json()) as T;
}

export const get = <T>(path: string, query?: Query) => api<T>('GET', path, { query });

/** Fetches a file the API serves (it needs the key in a header, so no plain link) and saves it. */
export async function download(path: string, query: Query, filename: string): Promise<void> {
  const res = await send('GET', path, { query }, 'text/csv');
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
