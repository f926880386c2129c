import axios, { AxiosError, AxiosInstance } from 'axios';
import axiosRetry from 'axios-retry';
import http from 'node:http';
import https from 'node:https';
import type { AppConfig } from '../config/app-config';

/** Injection token of the {@link MlflowHttp} the client uses. */
export const MLFLOW_HTTP = Symbol('MLFLOW_HTTP');

/** Attempts per read, the first included. Writes get exactly one. */
export const READ_ATTEMPTS = 3;
/** Backoff before retry n is 2^n × this, plus 0–20 % jitter (axios-retry's exponentialDelay). */
export const RETRY_BASE_DELAY_MS = 50;

export type MlflowSettings = AppConfig['mlflow'];

/** The configured HTTP client for one MLflow server; built once, shared by every call. */
export interface MlflowHttp {
  readonly axios: AxiosInstance;
  /** Budget of one logical call, retries and backoff included. */
  readonly timeoutMs: number;
  close(): void;
}

/** The server root as a base URL: trailing slashes dropped, a path prefix kept, credentials removed. */
export function mlflowBaseUrl(trackingUri: string): string {
  const url = new URL(trackingUri);
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  return `${url.toString().replace(/\/+$/, '')}/`;
}

/** Basic credentials win over a token, as in MLflow's own client; credentials in the URI count as basic. */
function credentials(settings: MlflowSettings): { auth?: { username: string; password: string }; headers: Record<string, string> } {
  const url = new URL(settings.trackingUri);
  const username = settings.username ?? (url.username ? decodeURIComponent(url.username) : undefined);
  const password = settings.password ?? (url.password ? decodeURIComponent(url.password) : undefined);
  if (username && password) return { auth: { username, password }, headers: {} };
  if (settings.token) return { headers: { authorization: `Bearer ${settings.token}` } };
  return { headers: {} };
}

/** Repeated keys for lists (`order_by=a&order_by=b`), as MLflow's Python client sends them. */
export function serializeQuery(params: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) search.append(key, String(item));
  }
  return search.toString();
}

/** Request config as the factory tags it: which attempt this request is (1 for the first). */
export type AttemptTagged = { mlflowAttempt?: number };

export const attemptOf = (config: unknown): number => (config as AttemptTagged | undefined)?.mlflowAttempt ?? 1;

/**
 * Runs `send` with a signal that aborts after `ms`: a hard deadline over the whole call (axios's own
 * timeout only watches the socket). The timer is cleared as soon as the call settles.
 */
export async function withDeadline<T>(ms: number, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    return await send(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}

export const isTimeout = (err: AxiosError) => err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT';

/** Network failures, 429 and 5xx are worth another try; timeouts are not (the budget is spent). */
export function isRetryable(err: AxiosError): boolean {
  if (axios.isCancel(err) || isTimeout(err)) return false;
  if (!err.response) return axiosRetry.isNetworkError(err);
  return err.response.status === 429 || err.response.status >= 500;
}

/**
 * Builds the axios instance for MLflow: base URL, auth, keep-alive agents, and retries. Retries are
 * on for every request; MlflowClient turns them off per write. axios-retry shrinks each retry's
 * timeout by the time already spent and the backoff, and gives up when nothing is left, so
 * `timeoutMs` bounds a whole read, retries included.
 */
export function createMlflowHttp(settings: MlflowSettings): MlflowHttp {
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64 });
  const { auth, headers } = credentials(settings);
  const instance = axios.create({
    baseURL: mlflowBaseUrl(settings.trackingUri),
    timeout: settings.timeoutMs,
    httpAgent,
    httpsAgent,
    auth,
    headers,
    maxRedirects: 0,
    paramsSerializer: { serialize: serializeQuery },
  });
  axiosRetry(instance, {
    retries: READ_ATTEMPTS - 1,
    retryCondition: isRetryable,
    retryDelay: (retry, err) => axiosRetry.exponentialDelay(retry, err, RETRY_BASE_DELAY_MS),
    shouldResetTimeout: false,
    // Counted here, not from axios-retry's retryCount, which also counts the retry it gives up for lack of time.
    onRetry: (retry, _err, config) => {
      (config as AttemptTagged).mlflowAttempt = retry + 1;
    },
  });
  return {
    axios: instance,
    timeoutMs: settings.timeoutMs,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
