import startSesLocal from 'aws-ses-v2-local';
import { createServer, request, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An e-mail as aws-ses-v2-local stores it. */
export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  at: number;
}

export interface SesFailure {
  status: number;
  /** SES error code: Throttling, MessageRejected… */
  code: string;
  message: string;
}

/**
 * SES for tests: `aws-ses-v2-local` on loopback, behind a small proxy that can answer scripted SES
 * errors (throttling, rejection) the way the Query API does. Point AWS_ENDPOINT_URL_SES at `endpoint`.
 */
export class SesFake {
  private scripted: SesFailure[] = [];
  /** Requests that reached the fake (sent or failed). */
  requests = 0;
  /** The SES error code of every scripted failure answered, in order. */
  readonly refusals: string[] = [];
  /** Added before every answer, to make sends overlap like a real upstream's latency. */
  latencyMs = 0;

  private constructor(
    private readonly proxy: Server,
    private readonly local: Server,
    readonly endpoint: string,
    private readonly localUrl: string,
  ) {}

  static async start(): Promise<SesFake> {
    const local = await startSesLocal({ host: '127.0.0.1', port: 0 });
    const localUrl = `http://127.0.0.1:${(local.address() as AddressInfo).port}`;
    let fake: SesFake | undefined;
    const proxy = createServer((req, res) => fake!.handle(req, res));
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    fake = new SesFake(proxy, local, `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, localUrl);
    return fake;
  }

  failNext(times: number, failure: SesFailure): void {
    for (let i = 0; i < times; i++) this.scripted.push(failure);
  }

  /** Every e-mail the fake accepted. The store is per process, so tests filter by recipient or subject. */
  async emails(): Promise<StoredEmail[]> {
    const res = await fetch(`${this.localUrl}/store`);
    return ((await res.json()) as { emails: StoredEmail[] }).emails;
  }

  async emailsTo(address: string): Promise<StoredEmail[]> {
    return (await this.emails()).filter((e) => e.destination.to.includes(address));
  }

  /** Polls the store until `predicate` holds, or throws after `timeoutMs`. */
  async waitFor(predicate: (emails: StoredEmail[]) => boolean, timeoutMs = 10_000): Promise<StoredEmail[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const emails = await this.emails();
      if (predicate(emails)) return emails;
      if (Date.now() > deadline) throw new Error(`SES store never matched; it holds ${emails.length} e-mails`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async clear(): Promise<void> {
    await fetch(`${this.localUrl}/clear-store`, { method: 'POST' });
  }

  async close(): Promise<void> {
    for (const server of [this.proxy, this.local]) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (this.latencyMs > 0) {
      setTimeout(() => this.answer(req, res), this.latencyMs);
      return;
    }
    this.answer(req, res);
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    this.requests += 1;
    const failure = this.scripted.shift();
    if (failure) {
      this.refusals.push(failure.code);
      req.resume();
      res
        .writeHead(failure.status, { 'content-type': 'text/xml' })
        .end(
          `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type>` +
            `<Code>${failure.code}</Code><Message>${failure.message}</Message></Error>` +
            `<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`,
        );
      return;
    }
    const upstream = request(`${this.localUrl}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  }
}
