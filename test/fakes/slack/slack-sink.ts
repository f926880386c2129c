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

/**
 * A loopback stand-in for Slack incoming webhooks (`/hooks/{channel}`): records every post and
 * answers `ok`, or scripted failures (429 with Retry-After, 500, 4xx) when told to.
 */
export class SlackSink {
  readonly posts: SlackPost[] = [];
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

  private settleWaiters(): void {
    for (const w of [...this.waiters]) {
      if (this.delivered(w.channel).length >= w.count) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }
}
