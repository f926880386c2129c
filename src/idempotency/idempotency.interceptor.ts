import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata, UseInterceptors, applyDecorators } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Observable, from, of, throwError } from 'rxjs';
import { catchError, mergeMap } from 'rxjs/operators';
import type { AuthenticatedRequest } from '../auth/roles.decorator';
import { validationFailed } from '../common/errors/domain-error';
import { toErrorAnswer } from '../common/errors/error-response';
import { IdempotencyService } from './idempotency.service';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const IDEMPOTENT = 'modelgate:idempotent';

/**
 * `Idempotency-Key` support for a route: the same key from the same key holder replays the first
 * answer (status and body) without acting again. Answers of 5xx are not kept, so a retry acts.
 */
export const Idempotent = () =>
  applyDecorators(
    SetMetadata(IDEMPOTENT, true),
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Replays the first answer for 24 h' }),
  );

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const key = request.headers['idempotency-key'];
    if (key === undefined || !request.actor) return next.handle();
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      return throwError(() => validationFailed([{ field: 'Idempotency-Key', problems: ['must be 1-255 printable ASCII characters'] }]));
    }
    const holder = request.actor.name;
    const route = `${request.method} ${request.url.split('?')[0]}`;
    const defaultStatus = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? 200;

    return from(this.idempotency.claim({ keyHolder: holder, key, route, body: request.body })).pipe(
      mergeMap((claim) => {
        if (claim.kind === 'replay') {
          // The first answer's text is sent as it is: Nest sets no status after interceptors, and Fastify does not re-serialise a string.
          void reply.status(claim.status).header('content-type', 'application/json; charset=utf-8').header('idempotent-replayed', 'true');
          return of(claim.body);
        }
        return next.handle().pipe(
          mergeMap(async (body: unknown) => {
            const status = reply.statusCode !== 200 ? reply.statusCode : defaultStatus;
            await this.idempotency.complete(holder, key, status, body);
            return body;
          }),
          catchError((err: unknown) =>
            from(this.remember(holder, key, err, String(request.id))).pipe(mergeMap(() => throwError(() => err))),
          ),
        );
      }),
    );
  }

  private async remember(holder: string, key: string, err: unknown, requestId: string): Promise<void> {
    const { body } = toErrorAnswer(err, requestId);
    if (body.status >= 500) await this.idempotency.release(holder, key);
    else await this.idempotency.complete(holder, key, body.status, body);
  }
}
