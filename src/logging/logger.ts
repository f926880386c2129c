import pino, { DestinationStream, Logger } from 'pino';
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

export interface RootLoggerOptions {
  /** Human-readable lines (a person at a terminal) instead of JSON (a log collector); default: stdout is a TTY. */
  pretty?: boolean;
  /** Where lines go; default: stdout. */
  destination?: DestinationStream;
}

/** The process' root logger; Nest's loggers and the request log write through it. Redaction applies in both formats. */
export function createRootLogger(level: LogLevel, options: RootLoggerOptions = {}): Logger {
  const pretty = options.pretty ?? process.stdout.isTTY === true;
  // Loaded only for a person at a terminal: a service writing JSON never needs it.
  const pinoPretty = pretty ? (require('pino-pretty') as typeof import('pino-pretty')) : undefined;
  const destination = pinoPretty
    ? pinoPretty({ sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', destination: options.destination ?? 1 })
    : options.destination;
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}
