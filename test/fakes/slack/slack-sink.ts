import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the sink received, and what it answered. */
export interface SlackPost {
  channel: string;
  body: any;
  status: number;
  at: number;
}

export interface SlackAnswer {
  status: number;
  /** Sent as the Retry-After header (seconds). */
  retryAfter?: string;
  /** Slack answers errors in plain text: `invalid_token`, `channel_is_archived`… */
  body?: string;
}

/** A reply to an interaction, posted to its response_url (`/actions/{id}`). */
export interface SlackReply {
  id: string;
  body: any;
  status: number;
  at: number;
}

/**
 * A loopback stand-in for Slack incoming webhooks (`/hooks/{channel}`) and interactions'
 * response URLs (`/actions/{id}`): records every post and answers `ok`, or scripted failures (429
 * with Retry-After, 500, 4xx) when told to.
 */
export class SlackSink {
  readonly posts: SlackPost[] = [];
  readonly replies: SlackReply[] = [];
  private scripted: SlackAnswer[] = [];
  private always?: SlackAnswer;
  private readonly waiters: { count: number; channel?: string; resolve: () => void }[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<SlackSink> {
    let sink: SlackSink | undefined;
    const server = createServer((req, res) => sink!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    sink = new SlackSink(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return sink;
  }

  webhookUrl(channel: string): string {
    return `${this.url}/hooks/${channel}`;
  }

  /** A fresh response_url, as Slack gives each interaction. */
  responseUrl(): string {
    return `${this.url}/actions/T0MODELGATE/${Date.now()}/${randomBytes(12).toString('hex')}`;
  }

  /** Replies Slack accepted to the interaction whose response_url this is (every accepted reply without one). */
  repliesTo(responseUrl?: string): SlackReply[] {
    const id = responseUrl?.slice(`${this.url}/actions/`.length);
    return this.replies.filter((r) => r.status < 300 && (id === undefined || r.id === id));
  }

  /** Resolves with the accepted replies to `responseUrl` once there are `count`, or rejects after `timeoutMs`. */
  async waitForReplies(responseUrl: string, count: number, timeoutMs = 10_000): Promise<SlackReply[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.repliesTo(responseUrl).length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} replies to the interaction, got ${this.repliesTo(responseUrl).length}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.repliesTo(responseUrl);
  }

  /** The next `times` posts get this answer instead of 200 ok. */
  failNext(times: number, answer: SlackAnswer): void {
    for (let i = 0; i < times; i++) this.scripted.push(answer);
  }

  /** Every post gets this answer until reset. */
  failAlways(answer: SlackAnswer): void {
    this.always = answer;
  }

  reset(): void {
    this.scripted = [];
    this.always = undefined;
    this.posts.length = 0;
    this.replies.length = 0;
  }

  /** Posts Slack accepted (2xx), optionally for one channel. */
  delivered(channel?: string): SlackPost[] {
    return this.posts.filter((p) => p.status < 300 && (channel === undefined || p.channel === channel));
  }

  /** Resolves once `count` accepted posts arrived (for the channel), or rejects after `timeoutMs`. */
  waitForDelivered(count: number, opts: { channel?: string; timeoutMs?: number } = {}): Promise<void> {
    if (this.delivered(opts.channel).length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`expected ${count} Slack posts, got ${this.delivered(opts.channel).length}`)),
        opts.timeoutMs ?? 10_000,
      );
      this.waiters.push({ count, channel: opts.channel, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const match = /^\/hooks\/([^/?]+)/.exec(req.url ?? '');
      const action = /^\/actions\/([^?]+)/.exec(req.url ?? '');
      if (req.method === 'POST' && action) {
        this.reply(action[1], Buffer.concat(chunks), res);
        return;
      }
      if (req.method !== 'POST' || !match) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no_service');
        return;
      }
      const answer = this.scripted.shift() ?? this.always ?? { status: 200, body: 'ok' };
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = Buffer.concat(chunks).toString('utf8');
      }
      this.posts.push({ channel: decodeURIComponent(match[1]), body, status: answer.status, at: Date.now() });
      const headers: Record<string, string> = { 'content-type': 'text/plain' };
      if (answer.retryAfter !== undefined) headers['retry-after'] = answer.retryAfter;
      res.writeHead(answer.status, headers).end(answer.body ?? (answer.status < 300 ? 'ok' : 'error'));
      this.settleWaiters();
    });
  }

  /** Slack answers a response_url post with JSON. */
  private reply(id: string, raw: Buffer, res: ServerResponse): void {
    const answer = this.scripted.shift() ?? this.always ?? { status: 200 };
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      body = raw.toString('utf8');
    }
    this.replies.push({ id, body, status: answer.status, at: Date.now() });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (answer.retryAfter !== undefined) headers['retry-after'] = answer.retryAfter;
    res.writeHead(answer.status, headers).end(answer.body ?? JSON.stringify(answer.status < 300 ? { ok: true } : { ok: false, error: 'error' }));
  }

  private settleWaiters(): void {
    for (const w of [...this.waiters]) {
      if (this.delivered(w.channel).length >= w.count) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }
}
