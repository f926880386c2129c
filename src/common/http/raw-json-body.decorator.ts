import { RouteConfig } from '@nestjs/platform-fastify';

/** Fastify route config read by createApp's JSON parser and onRoute hook. */
export interface RouteBodyConfig {
  body_limit?: number;
  raw_json_body?: boolean;
}

/**
 * The route's JSON body reaches the handler as the exact string received, unparsed (a signature is
 * over those bytes), optionally with a body limit. Replaces `@BodyLimit` on that route.
 */
export const RawJsonBody = (bodyLimit?: number) => RouteConfig({ raw_json_body: true, ...(bodyLimit ? { body_limit: bodyLimit } : {}) } satisfies RouteBodyConfig);
