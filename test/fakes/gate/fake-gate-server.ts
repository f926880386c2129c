import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback stand-in for modelgate's `POST /deploy-gate` (issue 8's contract), for testing the
 * CI client before and apart from the real endpoint. It authenticates like the service (Bearer key
 * → 401 UNAUTHENTICATED), validates the body (400 VALIDATION_FAILED), then answers from a script.
 */

export interface GateRequest {
  at: number;
  method: string;
  path: string;
  authorization?: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** An HTTP answer, or `hang` to accept the request and never answer. */
export type GateAnswer = { status: number; body?: unknown; raw?: string; headers?: Record<string, string> } | 'hang';

export interface FakeGate {
  url: string;
  requests: GateRequest[];
  close(): Promise<void>;
}

let decisions = 0;
const nextDecisionId = () => `00000000-0000-4000-8000-${String(++decisions).padStart(12, '0')}`;
const errorBody = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) => ({
  status,
  code,
  message,
  request_id: `req-${decisions}-${status}`,
  ...extra,
});

export const gateAnswers = {
  allowed: (a: { project: string; env: string; model?: string; version: string; stage: string; run_id: string; source?: string; model_uri?: string }): GateAnswer => ({
    status: 200,
    body: {
      allowed: true,
      decision_id: nextDecisionId(),
      model: a.project,
      source: `runs:/${a.run_id}/model`,
      model_uri: `models:/${a.model ?? a.project}/${a.stage}`,
      version_uri: `models:/${a.model ?? a.project}/${a.version}`,
      ...a,
    },
  }),
  denied: (reasons: string[]): GateAnswer => ({
    status: 409,
    body: errorBody(409, 'DEPLOY_DENIED', 'deployment denied', { allowed: false, decision_id: nextDecisionId(), reasons }),
  }),
  unavailable: (headers?: Record<string, string>): GateAnswer => ({
    status: 503,
    headers,
    body: errorBody(503, 'GATE_UNAVAILABLE', 'MLflow cannot be asked: connect ECONNREFUSED', { allowed: false, decision_id: nextDecisionId() }),
  }),
  error: (status: number, code: string, message: string, headers?: Record<string, string>): GateAnswer => ({ status, headers, body: errorBody(status, code, message) }),
};

export type GateScript = (request: GateRequest, attempt: number) => GateAnswer;

/** Answers `answers[i]` to the i-th gate request, repeating the last one. */
export const inOrder =
  (...answers: GateAnswer[]): GateScript =>
  (_request, attempt) =>
    answers[Math.min(attempt, answers.length) - 1];

export async function startFakeGate(apiKey: string, script: GateScript): Promise<FakeGate> {
  const requests: GateRequest[] = [];
  const hanging = new Set<ServerResponse>();
  let scripted = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = text;
      }
      const request: GateRequest = { at: Date.now(), method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, headers: req.headers, body };
      requests.push(request);
      const answer = gate(request, apiKey, () => script(request, ++scripted));
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(answer.status, { 'content-type': answer.raw === undefined ? 'application/json' : 'text/html', ...answer.headers });
      res.end(answer.raw ?? JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function gate(request: GateRequest, apiKey: string, scripted: () => GateAnswer): GateAnswer {
  if (request.method !== 'POST' || request.path !== '/deploy-gate') return gateAnswers.error(404, 'NOT_FOUND', `no route ${request.method} ${request.path}`);
  if (request.authorization !== `Bearer ${apiKey}`) return gateAnswers.error(401, 'UNAUTHENTICATED', 'missing or unknown API key');
  const body = request.body as { project?: unknown; env?: unknown } | undefined;
  if (typeof body?.project !== 'string' || typeof body.env !== 'string') {
    return gateAnswers.error(400, 'VALIDATION_FAILED', 'project and env are required');
  }
  return scripted();
}

/** A loopback port nothing listens on (bound, then released). */
export async function refusedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
