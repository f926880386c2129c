import { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTML_404, HTML_405, HtmlPageError, MlflowApiError } from './fake-mlflow.errors';
import { HeldRequests, RequestHold } from './fake-mlflow.hold';
import { OutOfBandDoor } from './fake-mlflow.out-of-band';
import { personalityOf } from './fake-mlflow.personality';
import { FakeRegistry } from './fake-mlflow.registry';
import { FakeState, Method, Params, ROUTES, validate } from './fake-mlflow.routes';
import { FakeMlflowSeeder } from './fake-mlflow.seed';
import { FakeClock, FakeTracking } from './fake-mlflow.tracking';
import { webhookRoutes } from './fake-mlflow.webhook-routes';
import { FakeWebhooks } from './fake-mlflow.webhooks';

export interface FakeMlflowOptions {
  /** The release to answer like: `2.9.2` (default), a 3.x one such as `3.11.2.dev0` (webhooks from 3.3), or `2.2.2` (no aliases). */
  version?: string;
  /** Serve under a path prefix, as behind a reverse proxy (e.g. `/mlflow`). */
  basePath?: string;
  /** Refuse calls without these credentials (401), as MLflow's basic-auth app or a proxy would. */
  auth?: { token: string } | { username: string; password: string };
}

/**
 * A fault: answer this status (with MLflow's JSON error body, or `html` as a proxy's page would), or
 * `drop` the connection without answering.
 */
export type FaultAction = number | 'drop' | { status: number; retryAfterS?: number; html?: string };

export type { RequestHold } from './fake-mlflow.hold';

export interface RecordedRequest {
  method: string;
  /** Path below the base path, e.g. `/api/2.0/mlflow/model-versions/get`. */
  path: string;
  query: Record<string, string | string[]>;
  /** Parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
  headers: IncomingHttpHeaders;
}

interface QueuedFault {
  action: FaultAction;
  remaining: number;
  match?: string;
}

const JSON_TYPE = 'application/json';
const HTML_TYPE = 'text/html; charset=utf-8';
const API = /^\/(?:ajax-)?api\/2\.0\/mlflow\/(.+)$/;
/** Absent before MLflow 2.3. */
const ALIAS_ROUTE = 'registered-models/alias';

function queryParams(search: URLSearchParams): Params {
  const params: Params = {};
  for (const key of new Set(search.keys())) {
    const all = search.getAll(key);
    params[key] = all.length > 1 ? all : all[0];
  }
  return params;
}

function jsonBody(raw: string): Params {
  try {
    let parsed: unknown = JSON.parse(raw);
    if (typeof parsed === 'string') parsed = JSON.parse(parsed);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Params) : {};
  } catch {
    return {}; // MLflow reads a body that is not JSON as an empty one
  }
}

/**
 * An in-process MLflow tracking server on a random loopback port: stateful, seeded with factories,
 * and able to fail on demand. Behaviours copied from test/fixtures/mlflow/README.md (2.9.2, the
 * default) and test/fixtures/mlflow3/README.md (3.x, with webhooks and signed deliveries).
 */
export class FakeMlflow {
  readonly state: FakeState;
  readonly seed: FakeMlflowSeeder;
  /** Changes made behind modelgate's back, as MLflow's UI would make them. */
  readonly outOfBand: OutOfBandDoor;
  readonly requests: RecordedRequest[] = [];
  url = '';
  private readonly server: Server;
  private readonly basePath: string;
  private latencyMs = 0;
  private always?: { action: FaultAction; match?: string };
  private queued: QueuedFault[] = [];
  private holds: HeldRequests[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(private readonly options: FakeMlflowOptions) {
    const clock = new FakeClock();
    this.state = { tracking: new FakeTracking(clock), registry: new FakeRegistry(clock), personality: personalityOf(options.version), webhooks: new FakeWebhooks(clock) };
    this.seed = new FakeMlflowSeeder(this.state);
    this.outOfBand = new OutOfBandDoor(this.state);
    this.basePath = (options.basePath ?? '').replace(/\/+$/, '');
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  static async start(options: FakeMlflowOptions = {}): Promise<FakeMlflow> {
    const fake = new FakeMlflow(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}${fake.basePath}`;
    return fake;
  }

  /** The webhooks registered (3.3+) and every delivery sent to them. */
  get webhooks(): FakeWebhooks {
    return this.state.webhooks;
  }

  async stop(): Promise<void> {
    await this.state.webhooks.settled();
    for (const hold of this.holds) hold.discard();
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Every call (matching `match`, a substring of the path) gets this fault until clearFaults(). */
  failWith(action: FaultAction = 500, match?: string): void {
    this.always = { action, match };
  }

  /** Only the next `count` calls (matching `match`) get this fault. */
  failNext(count: number, action: FaultAction = 500, match?: string): void {
    this.queued.push({ action, remaining: count, match });
  }

  /** Wait this long before answering any call. */
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /**
   * Holds the calls `match` picks (e.g. one model's transition) before MLflow processes them, until
   * the test releases or discards them: for crashes between a write's request and its answer.
   */
  hold(match: (r: RecordedRequest) => boolean): RequestHold {
    const hold = new HeldRequests(match);
    this.holds.push(hold);
    return hold;
  }

  clearFaults(): void {
    for (const hold of this.holds) hold.release();
    this.holds = [];
    this.always = undefined;
    this.queued = [];
    this.latencyMs = 0;
  }

  /** Recorded calls to one REST route, e.g. `model-versions/get`. */
  requestsTo(route: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.endsWith(`/mlflow/${route}`));
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.startsWith(`${this.basePath}/`) ? url.pathname.slice(this.basePath.length) : undefined;
    let body: unknown = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      // keep the raw text
    }
    const recorded: RecordedRequest = { method: req.method ?? 'GET', path: path ?? url.pathname, query: queryParams(url.searchParams) as RecordedRequest['query'], body, headers: req.headers };
    this.requests.push(recorded);

    const held = await this.holds.find((h) => h.match(recorded))?.enter();
    if (held === 'discard') {
      req.socket.destroy();
      return;
    }
    if (this.latencyMs > 0) await this.sleep(this.latencyMs, req);
    if (req.socket.destroyed && held !== 'release') return;
    const fault = this.takeFault(url.pathname);
    if (fault !== undefined) return this.applyFault(fault, req, res);
    if (!this.authorized(req.headers)) {
      res.writeHead(401, { 'content-type': HTML_TYPE, 'www-authenticate': 'Basic realm="mlflow"' });
      res.end('You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.');
      return;
    }
    if (path === undefined) return this.send(res, 404, HTML_TYPE, HTML_404);
    await this.route((req.method ?? 'GET').toUpperCase(), path, url, req.headers, raw, res);
  }

  private async route(method: string, path: string, url: URL, headers: IncomingHttpHeaders, raw: string, res: ServerResponse): Promise<void> {
    if (path === '/health' || path === '/version') {
      if (method !== 'GET') return this.send(res, 405, HTML_TYPE, HTML_405);
      return this.send(res, 200, HTML_TYPE, path === '/health' ? 'OK' : this.state.personality.version);
    }
    const name = API.exec(path)?.[1];
    const served = name && (name !== ALIAS_ROUTE || this.state.personality.aliases) ? name : undefined;
    const routes = served ? (ROUTES[served] ?? (this.state.personality.webhooks ? webhookRoutes(served) : undefined)) : undefined;
    if (!routes) return this.send(res, 404, HTML_TYPE, HTML_404);
    const route = routes[method as Method];
    if (!route) return this.send(res, 405, HTML_TYPE, HTML_405);
    try {
      let params: Params;
      if (method === 'GET' && url.search.length > 1) {
        params = queryParams(url.searchParams);
      } else {
        if (method === 'POST') {
          const type = headers['content-type'];
          if (!type) throw new MlflowApiError(400, 'INVALID_PARAMETER_VALUE', 'Bad Request. Content-Type header is missing.');
          if (type.split(';')[0].trim() !== JSON_TYPE) {
            throw new MlflowApiError(400, 'INVALID_PARAMETER_VALUE', "Bad Request. Content-Type must be one of ['application/json'].");
          }
        }
        params = jsonBody(raw);
        validate(route.schema, params);
      }
      this.send(res, 200, JSON_TYPE, JSON.stringify(await route.handle(params, this.state), null, 2));
    } catch (err) {
      if (err instanceof HtmlPageError) return this.send(res, err.status, HTML_TYPE, err.html);
      const e = err instanceof MlflowApiError ? err : new MlflowApiError(500, 'INTERNAL_ERROR', String(err));
      this.send(res, e.status, JSON_TYPE, JSON.stringify({ error_code: e.errorCode, message: e.message }));
    }
  }

  private authorized(headers: IncomingHttpHeaders): boolean {
    const auth = this.options.auth;
    if (!auth) return true;
    const expected = 'token' in auth ? `Bearer ${auth.token}` : `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    return headers.authorization === expected;
  }

  private takeFault(path: string): FaultAction | undefined {
    const fits = (match?: string) => !match || path.includes(match);
    const next = this.queued.find((q) => q.remaining > 0 && fits(q.match));
    if (next) {
      next.remaining -= 1;
      return next.action;
    }
    return this.always && fits(this.always.match) ? this.always.action : undefined;
  }

  private applyFault(action: FaultAction, req: IncomingMessage, res: ServerResponse): void {
    if (action === 'drop') {
      req.socket.destroy();
      return;
    }
    const { status, retryAfterS, html } = typeof action === 'number' ? { status: action, retryAfterS: undefined, html: undefined } : action;
    if (html !== undefined) return this.send(res, status, HTML_TYPE, html);
    const errorCode = status === 429 ? 'REQUEST_LIMIT_EXCEEDED' : 'INTERNAL_ERROR';
    res.writeHead(status, { 'content-type': JSON_TYPE, ...(retryAfterS !== undefined ? { 'retry-after': String(retryAfterS) } : {}) });
    res.end(JSON.stringify({ error_code: errorCode, message: `Injected fault: HTTP ${status}` }));
  }

  private send(res: ServerResponse, status: number, contentType: string, body: string): void {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': contentType });
    res.end(body);
  }

  /** Waits, but gives up as soon as the client hangs up, so a slow fake never outlives its test. */
  private sleep(ms: number, req: IncomingMessage): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.timers.delete(timer);
        req.socket.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.timers.add(timer);
      req.socket.once('close', done);
    });
  }
}
