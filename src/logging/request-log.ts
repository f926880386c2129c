import type { FastifyInstance } from 'fastify';
import type { Level, Logger } from 'pino';
import { requestContext } from './request-context';

/** An answer slower than this is logged at info even when it succeeded. */
export const SLOW_REQUEST_MS = 1000;

/** Probes poll every few seconds; their lines would drown the rest. */
const UNLOGGED_PREFIX = '/health/';

/** A line per answer: errors (5xx) at error, refusals (4xx) and slow answers at info, the rest at debug. */
export function requestLogLevel(status: number, elapsedMs: number): Level {
  if (status >= 500) return 'error';
  return status >= 400 || elapsedMs >= SLOW_REQUEST_MS ? 'info' : 'debug';
}

/**
 * Serves every request inside its request context, so that every line logged for it carries its
 * request id (Fastify carries the context across the reading of a body), and logs one line per
 * answer at {@link requestLogLevel}.
 */
export function logRequests(fastify: FastifyInstance, logger: Logger): void {
  // No line can be written: no request needs its context (which costs every promise it creates).
  if (logger.level === 'silent') return;
  fastify.addHook('onRequest', (request, _reply, done) => requestContext.run({ requestId: request.id }, done));
  fastify.addHook('onResponse', (request, reply, done) => {
    const level = requestLogLevel(reply.statusCode, reply.elapsedTime);
    if (logger.isLevelEnabled(level) && !request.url.startsWith(UNLOGGED_PREFIX)) {
      logger[level](
        { request_id: request.id, req: { method: request.method, url: request.url }, res: { status: reply.statusCode }, responseTime: Math.round(reply.elapsedTime) },
        reply.statusCode >= 500 ? 'request errored' : 'request completed',
      );
    }
    done();
  });
}
