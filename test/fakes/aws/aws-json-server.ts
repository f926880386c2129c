import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An AWS JSON-protocol error: `__type` is what the SDK turns into the error's name. */
export class AwsJsonError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** One request the fake received: the operation (after the `X-Amz-Target` dot) and its JSON body. */
export interface AwsCall {
  operation: string;
  body: any;
  at: number;
  headers: IncomingMessage['headers'];
}

export type AwsOperation = (body: any) => unknown;

/** What a scripted fault does: answer an AWS error, or never answer at all. */
export type AwsFault = { error: AwsJsonError } | 'hang';

/**
 * A loopback server speaking the AWS JSON protocol (1.0 and 1.1): `POST /` with
 * `X-Amz-Target: {Service}.{Operation}` and a JSON body, answered with JSON or `{ __type, message }`.
 * Signatures are not checked. Subclasses register their operations.
 */
export class AwsJsonServer {
  readonly calls: AwsCall[] = [];
  private readonly faults: { operation?: string; fault: AwsFault }[] = [];
  private always?: { operation?: string; fault: AwsFault };
  private readonly hanging = new Set<ServerResponse>();
  private server?: Server;
  endpoint = '';

  constructor(
    private readonly contentType: string,
    private readonly operations: Record<string, AwsOperation>,
  ) {}

  async listen(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The next `times` calls (of `operation`, or any) get `fault`. */
  failNext(times: number, fault: AwsFault, operation?: string): void {
    for (let i = 0; i < times; i++) this.faults.push({ operation, fault });
  }

  /** Every call (of `operation`, or any) gets `fault` until {@link heal}. */
  failAlways(fault: AwsFault, operation?: string): void {
    this.always = { operation, fault };
  }

  heal(): void {
    this.faults.length = 0;
    this.always = undefined;
    for (const res of this.hanging) res.destroy();
    this.hanging.clear();
  }

  callsOf(operation: string): AwsCall[] {
    return this.calls.filter((c) => c.operation === operation);
  }

  async close(): Promise<void> {
    this.heal();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private takeFault(operation: string): AwsFault | undefined {
    const i = this.faults.findIndex((f) => !f.operation || f.operation === operation);
    if (i >= 0) return this.faults.splice(i, 1)[0].fault;
    if (this.always && (!this.always.operation || this.always.operation === operation)) return this.always.fault;
    return undefined;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const operation = target.slice(target.indexOf('.') + 1);
      let body: any = {};
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
      } catch {
        return this.send(res, 400, { __type: 'SerializationException', message: 'body is not JSON' });
      }
      this.calls.push({ operation, body, at: Date.now(), headers: req.headers });
      const fault = this.takeFault(operation);
      if (fault === 'hang') {
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return;
      }
      if (fault) return this.send(res, fault.error.status, { __type: fault.error.type, message: fault.error.message });
      const handler = this.operations[operation];
      if (!handler) return this.send(res, 400, { __type: 'UnknownOperationException', message: `no operation ${target}` });
      try {
        this.send(res, 200, handler(body));
      } catch (err) {
        if (err instanceof AwsJsonError) return this.send(res, err.status, { __type: err.type, message: err.message });
        this.send(res, 500, { __type: 'InternalFailure', message: String(err) });
      }
    });
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    const headers: Record<string, string> = { 'content-type': this.contentType, 'x-amzn-requestid': `req-${this.calls.length}` };
    const type = (body as { __type?: string }).__type;
    if (status >= 300 && type) headers['x-amzn-errortype'] = type;
    res.writeHead(status, headers).end(JSON.stringify(body));
  }
}

/** Epoch seconds, as the AWS JSON protocol carries timestamps. */
export const epochSeconds = (d: Date): number => d.getTime() / 1000;

export function pageOf<T>(items: T[], body: { maxResults?: number; nextToken?: string }, defaultSize: number): { page: T[]; nextToken?: string } {
  const size = body.maxResults && body.maxResults > 0 ? body.maxResults : defaultSize;
  const offset = body.nextToken ? Number(Buffer.from(body.nextToken, 'base64').toString('utf8')) : 0;
  if (!Number.isInteger(offset) || offset < 0) throw new AwsJsonError('InvalidToken', 'Invalid Token');
  const page = items.slice(offset, offset + size);
  const next = offset + size < items.length ? Buffer.from(String(offset + size)).toString('base64') : undefined;
  return { page, ...(next ? { nextToken: next } : {}) };
}
