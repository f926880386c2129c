import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthError, AuthErrorCode } from './auth.errors';
import { ApiKeysService } from './api-keys.service';
import { Role, hasAnyRole } from './role';
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

/** Global guard: every route needs a valid key with one of its roles, unless marked @Public(). */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = presentedKey(request.headers);
    if (!key) {
      throw new AuthError(AuthErrorCode.UNAUTHENTICATED, 'An API key is required: Authorization: Bearer <key> or X-API-Key');
    }
    const actor = await this.keys.authenticate(key);
    if (!actor) throw new AuthError(AuthErrorCode.UNAUTHENTICATED, 'The API key is unknown or revoked');
    request.actor = actor;
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [Role.ADMIN];
    if (!hasAnyRole(actor, required)) {
      throw new AuthError(AuthErrorCode.FORBIDDEN, `This call needs one of the roles: ${required.join(', ')}`, {
        required_roles: required,
      });
    }
    return true;
  }
}
