import pino, { Logger } from 'pino';
import type { LogLevel } from '../config/app-config';

/** Paths that may carry secrets; pino replaces them before a line is written. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  'key',
  'api_key',
  'password',
  'token',
  'webhook_url',
];

/** The process' root logger; Nest's loggers and pino-http write through it. */
export function createRootLogger(level: LogLevel): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}
