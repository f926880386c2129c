import type { LoggerService } from '@nestjs/common';
import type { Level, Logger } from 'pino';
import { requestContext } from './request-context';

/** Nest's exception handlers pass a stack as a second string; it becomes the line's `err`. */
const STACK = /\n\s*at /;

/**
 * Nest's loggers (`new Logger(Context.name)`) written through the root pino logger: structured
 * fields first, the class as `context`, and the `request_id` of the request being served.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly root: Logger) {}

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** Nest passes the context (the class name) last. */
  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.root.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    const request = requestContext.getStore();
    if (request) fields.request_id = request.requestId;
    let rest = params;
    if (params.length > 0) {
      fields.context = params[params.length - 1];
      rest = params.slice(0, -1);
    }
    if (typeof message === 'object' && message !== null) {
      if (message instanceof Error) fields.err = message;
      else Object.assign(fields, message);
      this.root[level](fields, ...(rest as []));
    } else if (level === 'error' && typeof message === 'string' && rest.length === 1 && typeof rest[0] === 'string' && STACK.test(rest[0])) {
      fields.err = Object.assign(new Error(message), { stack: rest[0] });
      this.root[level](fields);
    } else {
      this.root[level](fields, message as string, ...(rest as []));
    }
  }
}
