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
  // An HTTP client's error carries its request: headers (bearer tokens), basic auth, the URL (webhooks).
  'err.config.headers.Authorization',
  'err.config.headers.authorization',
  'err.config.auth',
  'err.config.url',
  'err.config.baseURL',
  'err.request',
  'err.response.config',
];

/** The process' root logger; Nest's loggers and pino-http write through it. */
export function createRootLogger(level: LogLevel): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}
