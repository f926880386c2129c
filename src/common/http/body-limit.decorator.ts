import { RouteConfig } from '@nestjs/platform-fastify';

/** A body limit for one route, lower than the global 1 MiB (applied by createApp's onRoute hook). */
export const BodyLimit = (bytes: number) => RouteConfig({ body_limit: bytes });

export const GLOBAL_BODY_LIMIT = 1024 * 1024;
