import { RouteConfig } from '@nestjs/platform-fastify';

/** Fastify route config read by createApp's body parsers and onRoute hook: a route's body limit, and whether its body arrives raw. */
export interface RouteBodyConfig {
  body_limit?: number;
  /** The media type whose body reaches this route's handler as the exact string received, unparsed. */
  raw_body?: RawBodyType;
}

/** `form`: application/x-www-form-urlencoded, accepted only on routes that ask for it (415 elsewhere). */
export type RawBodyType = 'json' | 'form';

const rawBody = (type: RawBodyType, bodyLimit?: number) => RouteConfig({ raw_body: type, ...(bodyLimit ? { body_limit: bodyLimit } : {}) } satisfies RouteBodyConfig);

/**
 * The route's JSON body reaches the handler as the exact string received, unparsed (a signature is
 * over those bytes), optionally with a body limit. Replaces `@BodyLimit` on that route.
 */
export const RawJsonBody = (bodyLimit?: number) => rawBody('json', bodyLimit);

/** Like {@link RawJsonBody}, for a form-encoded body (Slack's interactions): the route's only way to accept one. */
export const RawFormBody = (bodyLimit?: number) => rawBody('form', bodyLimit);
