import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toErrorAnswer } from './error-response';

/** The one place errors become HTTP answers: domain errors by their code, the rest as `INTERNAL`. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllExceptionsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const { body, unexpected } = toErrorAnswer(exception, String(request.id));
    if (unexpected) {
      this.logger.error({ err: exception, request_id: request.id }, 'unexpected error');
    }
    void reply.status(body.status).header('content-type', 'application/json; charset=utf-8').send(body);
  }
}
