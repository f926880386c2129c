import { IncomingMessage, Server, ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Parked {
  req: IncomingMessage;
  res: ServerResponse;
  body: Buffer;
}

/**
 * An HTTP forwarder in front of an upstream (the SES fake) that can hold requests: a held request is
 * read in full, then waits until release(), and is forwarded even if its client died meanwhile, as a
 * request that reached the real SES would still be sent. Counts what it holds and forwards.
 */
export class HeldUpstream {
  private holding = false;
  private parked: Parked[] = [];
  /** Requests forwarded to the upstream, whether their client was still there or not. */
  forwarded = 0;

  private constructor(
    private readonly server: Server,
    private readonly target: string,
    readonly url: string,
  ) {}

  static async start(target: string): Promise<HeldUpstream> {
    let upstream: HeldUpstream | undefined;
    const server = createServer((req, res) => void upstream!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    upstream = new HeldUpstream(server, target, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return upstream;
  }

  get held(): number {
    return this.parked.length;
  }

  /** The bodies of the requests held now, as text. */
  heldBodies(): string[] {
    return this.parked.map((p) => p.body.toString('utf8'));
  }

  hold(): void {
    this.holding = true;
  }

  /** Forwards every held request and lets later ones through. */
  release(): void {
    this.holding = false;
    for (const p of this.parked.splice(0)) this.forward(p);
  }

  async close(): Promise<void> {
    this.parked = [];
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const parked = { req, res, body: Buffer.concat(chunks) };
    if (this.holding) this.parked.push(parked);
    else this.forward(parked);
  }

  private forward({ req, res, body }: Parked): void {
    this.forwarded += 1;
    const upstream = request(`${this.target}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (c: Buffer) => chunks.push(c));
      answer.on('end', () => {
        if (!res.destroyed) res.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(chunks));
      });
    });
    upstream.on('error', () => res.destroyed || res.writeHead(502).end());
    upstream.end(body);
  }
}
