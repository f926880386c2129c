import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Actor, Role } from './role';

export const ROLES_KEY = 'modelgate:roles';
export const PUBLIC_KEY = 'modelgate:public';

/** The roles that may call a route (any of them; admin always may). Routes without it are admin-only. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** A route anyone may call without a key (health only; metrics and docs are not Nest routes). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

export type AuthenticatedRequest = FastifyRequest & { actor?: Actor };

/** The caller, as the guard authenticated it. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (!actor) throw new Error('CurrentActor used on a public route');
  return actor;
});
