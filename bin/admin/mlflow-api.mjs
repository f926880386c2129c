// A small client of MLflow's REST API for the admin commands: MLFLOW_TRACKING_URI and its credentials, as modelgate reads them.
import { AdminError, EXIT_REFUSED, EXIT_UNREACHABLE, clean, parseBaseUrl, sleep } from './cli.mjs';

const ATTEMPTS = 3;
const FIRST_BACKOFF_MS = 500;
const REQUEST_TIMEOUT_MS = 10_000;

/** Reads MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD, pushing every problem onto `problems`. */
export function mlflowFromEnv(env, problems) {
  if (!env.MLFLOW_TRACKING_URI) {
    problems.push("MLflow's URL is required: set MLFLOW_TRACKING_URI");
    return undefined;
  }
  const parsed = parseBaseUrl(env.MLFLOW_TRACKING_URI, 'MLFLOW_TRACKING_URI', problems);
  const { MLFLOW_TRACKING_TOKEN: token, MLFLOW_TRACKING_USERNAME: username, MLFLOW_TRACKING_PASSWORD: password } = env;
  if (Boolean(username) !== Boolean(password)) problems.push('MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD go together: set both or neither');
  let authorization;
  if (token) authorization = `Bearer ${token}`;
  else if (username && password) authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  return parsed ? new MlflowApi(parsed.base, authorization) : undefined;
}

function describeNetworkError(err) {
  if (err && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'no answer in time';
  const cause = err && err.cause;
  return clean((cause && (cause.code || cause.message)) || (err && err.message) || String(err));
}

function describeAnswer(status, body, text) {
  if (body && typeof body.error_code === 'string') return `HTTP ${status} ${clean(body.error_code)}: ${clean(body.message)}`;
  return `HTTP ${status}${text && text.length < 200 && !text.includes('<') ? `: ${clean(text)}` : ''}`;
}

export class MlflowApi {
  constructor(base, authorization) {
    this.base = base;
    this.authorization = authorization;
  }

  /** The server's release, from `GET /version` (plain text, e.g. `3.11.2`). */
  async version() {
    return (await this.call('GET', '/version', undefined, { text: true })).trim();
  }

  /**
   * One call. Reads are tried again on network errors, 429 and 5xx; writes are sent once (MLflow may
   * have applied one whose answer was lost). A 4xx is MLflow refusing (exit 1); the rest, unreachable (exit 2).
   */
  async call(method, path, body, { text = false } = {}) {
    const attempts = method === 'GET' ? ATTEMPTS : 1;
    let failure;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      if (attempt > 1) await sleep(FIRST_BACKOFF_MS * 2 ** (attempt - 2));
      let res;
      try {
        res = await fetch(`${this.base}${path}`, {
          method,
          redirect: 'manual',
          headers: {
            ...(this.authorization ? { authorization: this.authorization } : {}),
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            'user-agent': 'modelgate-admin',
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (err) {
        failure = new AdminError(`cannot reach MLflow at ${this.base}: ${describeNetworkError(err)}`, EXIT_UNREACHABLE);
        continue;
      }
      const raw = await res.text();
      let parsed;
      try {
        parsed = JSON.parse(raw);
      } catch {
        parsed = undefined;
      }
      if (res.status === 200) {
        if (text) return raw;
        if (parsed !== undefined) return parsed;
      }
      const refused = res.status >= 400 && res.status < 500 && res.status !== 429;
      failure = new AdminError(`MLflow answered ${method} ${path.split('?')[0]} with ${describeAnswer(res.status, parsed, raw)}`, refused ? EXIT_REFUSED : EXIT_UNREACHABLE);
      if (refused) break;
    }
    throw failure;
  }

  /** Every webhook, following `next_page_token`. */
  async listWebhooks() {
    const all = [];
    let token;
    do {
      const page = await this.call('GET', `/api/2.0/mlflow/webhooks?max_results=100${token ? `&page_token=${encodeURIComponent(token)}` : ''}`);
      all.push(...(page.webhooks ?? []));
      token = page.next_page_token;
    } while (token);
    return all;
  }
}
