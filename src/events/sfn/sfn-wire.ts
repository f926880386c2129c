import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Readable } from 'node:stream';

/** The SDK client's own endpoint, signer and HTTP handler, resolved once. */
interface Wire {
  url: URL;
  signer: { sign(request: WireRequest, options: { signingRegion: string; signingService: string }): Promise<WireRequest> };
  region: string;
}

interface WireRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** An AWS JSON error as the SDK would raise it, for {@link classifySfnError}. */
class AwsJsonError extends Error {
  constructor(
    name: string,
    message: string,
    readonly $fault: 'client' | 'server',
    readonly $metadata: { httpStatusCode: number },
  ) {
    super(message);
    this.name = name;
  }
}

const TARGET_PREFIX = 'AWSStepFunctions.';

/**
 * One Step Functions call (AWS JSON 1.0) without the SDK's middleware stack and schema serde, which
 * cost about 1 ms of CPU per call: the request is signed by the client's own SigV4 signer (its
 * credentials chain, region) and sent by its own HTTP handler to its own endpoint (the configured
 * one, else the one its endpoint rules give), so it goes where and as `client.send` would. Errors
 * look like the SDK's (name, `$fault`, `$metadata.httpStatusCode`); no retries, as the client.
 */
export class SfnWire {
  private wire?: Promise<Wire>;

  /** `client`: the SDK client, built when first asked for. */
  constructor(private readonly client: () => SFNClient) {}

  /** Where calls go. */
  async endpoint(): Promise<URL> {
    return (await (this.wire ??= this.resolve())).url;
  }

  async call<T>(operation: string, input: object, signal: AbortSignal): Promise<T> {
    const { url, signer, region } = await (this.wire ??= this.resolve());
    const body = JSON.stringify(input);
    const request = await signer.sign(
      {
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        path: url.pathname,
        headers: { host: url.host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `${TARGET_PREFIX}${operation}`, 'content-length': String(Buffer.byteLength(body)) },
        body,
      },
      { signingRegion: region, signingService: 'states' },
    );
    const { response } = await this.client().config.requestHandler.handle(request as never, { abortSignal: signal });
    const text = await textOf(response.body as Readable);
    const status = response.statusCode;
    if (status >= 200 && status < 300) return (text ? JSON.parse(text) : {}) as T;
    throw errorOf(status, text, response.headers['x-amzn-errortype']);
  }

  /** As the SDK's endpoint middleware: a configured endpoint (client option, else AWS_ENDPOINT_URL* or the config file), else the region's. */
  private async resolve(): Promise<Wire> {
    const config = this.client().config;
    const region = await config.region();
    const custom = config.endpoint ? await config.endpoint() : undefined;
    const configured = !config.isCustomEndpoint && !config.ignoreConfiguredEndpointUrls ? await config.serviceConfiguredEndpoint?.() : undefined;
    const endpoint = custom ? `${custom.protocol}//${custom.hostname}${custom.port ? `:${custom.port}` : ''}${custom.path || '/'}` : configured;
    const { url } = config.endpointProvider({
      Region: region,
      UseFIPS: await config.useFipsEndpoint(),
      UseDualStack: await config.useDualstackEndpoint(),
      ...(endpoint ? { Endpoint: endpoint } : {}),
    });
    const signer = (await config.signer({ name: 'sigv4', signingProperties: {} } as never)) as unknown as Wire['signer'];
    return { url, signer, region };
  }
}

/** The body, read with events: an async iterator per answer costs more than the answer's parse. */
function textOf(body: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    body.on('data', (chunk: Buffer) => chunks.push(chunk));
    let ended = false;
    body.once('end', () => {
      ended = true;
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    body.once('error', reject);
    body.once('close', () => ended || reject(new Error('the answer was cut short')));
  });
}

/** `__type` may carry a namespace (`com.amazonaws.states#ExecutionDoesNotExist`); the header may too, with a `:` suffix. */
function errorOf(status: number, text: string, header: string | undefined): AwsJsonError {
  let parsed: { __type?: string; message?: string; Message?: string } = {};
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    // not JSON: a proxy's or load balancer's page
  }
  const raw = parsed.__type ?? header ?? `HTTP${status}`;
  const name = raw.split('#').pop()!.split(':')[0];
  return new AwsJsonError(name, parsed.message ?? parsed.Message ?? text.slice(0, 200), status >= 500 ? 'server' : 'client', { httpStatusCode: status });
}
