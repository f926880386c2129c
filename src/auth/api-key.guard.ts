import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthError, AuthErrorCode } from './auth.errors';
import { ApiKeysService } from './api-keys.service';
import { Actor, Role, hasAnyRole } from './role';
import { AuthenticatedRequest, PUBLIC_KEY, ROLES_KEY } from './roles.decorator';

/** The presented key: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedKey(headers: AuthenticatedRequest['headers']): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (match) return match[1];
  }
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.length > 0 ? apiKey : undefined;
}

/** Who may call a route, as its decorators say. */
interface Access {
  isPublic: boolean;
  required: Role[];
}

/** Global guard: every route needs a valid key with one of its roles, unless marked @Public(). */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  /** By controller class, then handler: decorators do not change once the app runs. */
  private readonly access = new WeakMap<object, WeakMap<object, Access>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
  ) {}

  /** Synchronous when the key was verified recently (the common case): no promise per request. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const access = this.accessOf(context);
    if (access.isPublic) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = presentedKey(request.headers);
    if (!key) {
      throw new AuthError(AuthErrorCode.UNAUTHENTICATED, 'An API key is required: Authorization: Bearer <key> or X-API-Key');
    }
    const actor = this.keys.authenticate(key);
    return actor instanceof Promise ? actor.then((a) => this.admit(request, a, access.required)) : this.admit(request, actor, access.required);
  }

  private admit(request: AuthenticatedRequest, actor: Actor | undefined, required: Role[]): boolean {
    if (!actor) throw new AuthError(AuthErrorCode.UNAUTHENTICATED, 'The API key is unknown or revoked');
    request.actor = actor;
    if (!hasAnyRole(actor, required)) {
      throw new AuthError(AuthErrorCode.FORBIDDEN, `This call needs one of the roles: ${required.join(', ')}`, {
        required_roles: required,
      });
    }
    return true;
  }

  private accessOf(context: ExecutionContext): Access {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byHandler = this.access.get(controller);
    if (!byHandler) this.access.set(controller, (byHandler = new WeakMap()));
    let access = byHandler.get(handler);
    if (!access) {
      const targets = [handler, controller];
      access = {
        isPublic: this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets) === true,
        required: this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [Role.ADMIN],
      };
      byHandler.set(handler, access);
    }
    return access;
  }
}
