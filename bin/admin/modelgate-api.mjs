// A small client of modelgate's own API for the admin commands: MODELGATE_URL and MODELGATE_API_KEY, as the gate CLI.
import { AdminError, EXIT_UNREACHABLE, clean, parseBaseUrl, sleep } from './cli.mjs';

const ATTEMPTS = 3;
const FIRST_BACKOFF_MS = 500;
const REQUEST_TIMEOUT_MS = 10_000;
const PAGE_SIZE = 1000;

/** Reads MODELGATE_URL and MODELGATE_API_KEY, pushing every problem onto `problems`. */
export function modelgateFromEnv(env, problems) {
  const key = env.MODELGATE_API_KEY;
  if (!key) problems.push('an API key is required: set MODELGATE_API_KEY (a reader key is enough)');
  if (!env.MODELGATE_URL) {
    problems.push("modelgate's URL is required: set MODELGATE_URL");
    return undefined;
  }
  const parsed = parseBaseUrl(env.MODELGATE_URL, 'MODELGATE_URL', problems);
  return parsed && key ? new ModelgateApi(parsed.base, key) : undefined;
}

function describeAnswer(status, body) {
  const code = body && typeof body.code === 'string' ? ` ${clean(body.code)}` : '';
  const message = body && typeof body.message === 'string' ? `: ${clean(body.message)}` : '';
  const requestId = body && typeof body.request_id === 'string' ? ` (request_id ${clean(body.request_id)})` : '';
  return `HTTP ${status}${code}${message}${requestId}`;
}

function describeNetworkError(err) {
  if (err && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'no answer in time';
  const cause = err && err.cause;
  return clean((cause && (cause.code || cause.message)) || (err && err.message) || String(err));
}

export class ModelgateApi {
  constructor(base, key) {
    this.base = base;
    this.key = key;
  }

  /** GET `path` as JSON; 404 answers undefined. Network errors, 429 and 5xx are tried again, briefly. */
  async get(path) {
    let failure;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
      if (attempt > 1) await sleep(FIRST_BACKOFF_MS * 2 ** (attempt - 2));
      let res;
      try {
        res = await fetch(`${this.base}${path}`, {
          redirect: 'manual',
          headers: { authorization: `Bearer ${this.key}`, accept: 'application/json', 'user-agent': 'modelgate-admin' },
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (err) {
        failure = `cannot reach modelgate at ${this.base}: ${describeNetworkError(err)}`;
        continue;
      }
      const text = await res.text();
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      if (res.status === 404) return undefined;
      if (res.status === 200 && body !== undefined) return body;
      failure = `modelgate answered GET ${path.split('?')[0]} with ${describeAnswer(res.status, body)}`;
      if (res.status !== 429 && res.status < 500) break;
    }
    throw new AdminError(failure, EXIT_UNREACHABLE);
  }

  /** Every project's summary, following `next_page_token`. */
  async listProjects() {
    const items = [];
    let token;
    do {
      const query = `max_results=${PAGE_SIZE}${token ? `&page_token=${encodeURIComponent(token)}` : ''}`;
      const page = await this.get(`/projects?${query}`);
      if (!page || !Array.isArray(page.items)) throw new AdminError(`modelgate's GET /projects answered no list of projects`, EXIT_UNREACHABLE);
      items.push(...page.items);
      token = page.next_page_token;
    } while (token);
    return items;
  }

  /** One project with its `resolved` settings, or undefined when it was deleted meanwhile. */
  project(name) {
    return this.get(`/projects/${encodeURIComponent(name)}`);
  }
}
