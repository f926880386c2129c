import { resolve } from 'node:path';
import { z } from 'zod';

/** The whole environment of modelgate, typed. Built once at start by {@link loadConfig}. */
export interface AppConfig {
  port: number;
  host: string;
  /** Unset: an embedded PostgreSQL with its data in `${dataDir}/pg`. */
  databaseUrl?: string;
  /** PostgreSQL connections per replica (DATABASE_POOL_SIZE). */
  databasePoolSize: number;
  /** Where modelgate keeps local state: the embedded database and the first admin key. */
  dataDir: string;
  logLevel: LogLevel;
  mlflow: {
    trackingUri: string;
    token?: string;
    username?: string;
    password?: string;
    timeoutMs: number;
  };
  projectsDir?: string;
  /** Channel name → incoming webhook URL. Secret: never log. */
  slackWebhooks: Record<string, string>;
  notifyFrom?: string;
  eventBusName?: string;
  aws: {
    region?: string;
    endpoints: { ses?: string; sfn?: string; eventbridge?: string };
  };
  /** Secret: never log. */
  adminApiKey?: string;
  reconcileIntervalS: number;
  notifyMaxAttempts: number;
  retentionDays: number;
  /** modelgate's public base URL, without a trailing slash: links in notices point to its console. */
  publicUrl?: string;
  /** The built web console; unset: dist/console of this build. */
  consoleDir?: string;
  /** How often the registry is compared with modelgate's expectations (DRIFT_CHECK_INTERVAL_S). */
  driftCheckIntervalS: number;
  /** The notification outbox worker (one per replica). */
  outbox: { workerEnabled: boolean; pollIntervalMs: number; retryBaseMs: number; sendTimeoutMs: number };
  /** The secret MLflow signs webhook deliveries with; unset: `/webhooks/mlflow` refuses everything. Secret: never log. */
  mlflowWebhookSecret?: string;
  /** The Slack app's signing secret; unset: approver notices carry no buttons and `/slack/interactions` refuses everything. Secret: never log. */
  slackSigningSecret?: string;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Thrown when the environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(blankToUndefined, z.string().optional());

const httpUrl = z
  .string()
  .refine((v) => {
    try {
      return ['http:', 'https:'].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, 'must be an http(s) URL');

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be an integer between ${min} and ${max}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be an integer between ${min} and ${max}`);

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\/.+/.test(v), 'must be a postgres:// or postgresql:// URL');

const slackWebhooks = z
  .string()
  .transform((raw, ctx) => {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a JSON object of channel name to webhook URL' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string().min(1), httpUrl, { invalid_type_error: 'must be a JSON object of channel name to webhook URL' }));

const email = z.string().email('must be an e-mail address');

const envSchema = z.object({
  PORT: z.preprocess(blankToUndefined, integer(0, 65535).default('3000')),
  HOST: z.preprocess(blankToUndefined, z.string().default('0.0.0.0')),
  DATABASE_URL: z.preprocess(blankToUndefined, postgresUrl.optional()),
  DATABASE_POOL_SIZE: z.preprocess(blankToUndefined, integer(2, 100).default('10')),
  MODELGATE_DATA_DIR: z.preprocess(blankToUndefined, z.string().default('./.modelgate')),
  LOG_LEVEL: z.preprocess(
    blankToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  MLFLOW_TRACKING_URI: z.preprocess(blankToUndefined, httpUrl.default('http://127.0.0.1:5000')),
  MLFLOW_TRACKING_TOKEN: optionalString,
  MLFLOW_TRACKING_USERNAME: optionalString,
  MLFLOW_TRACKING_PASSWORD: optionalString,
  MLFLOW_TIMEOUT_MS: z.preprocess(blankToUndefined, integer(100, 600000).default('5000')),
  PROJECTS_DIR: optionalString,
  SLACK_WEBHOOKS: z.preprocess(blankToUndefined, slackWebhooks.default('{}')),
  NOTIFY_FROM: z.preprocess(blankToUndefined, email.optional()),
  EVENT_BUS_NAME: optionalString,
  AWS_REGION: optionalString,
  AWS_ENDPOINT_URL: z.preprocess(blankToUndefined, httpUrl.optional()),
  AWS_ENDPOINT_URL_SES: z.preprocess(blankToUndefined, httpUrl.optional()),
  AWS_ENDPOINT_URL_SFN: z.preprocess(blankToUndefined, httpUrl.optional()),
  AWS_ENDPOINT_URL_EVENTBRIDGE: z.preprocess(blankToUndefined, httpUrl.optional()),
  ADMIN_API_KEY: z.preprocess(
    blankToUndefined,
    z.string().min(16, 'must be at least 16 characters').max(256, 'must be at most 256 characters').optional(),
  ),
  RECONCILE_INTERVAL_S: z.preprocess(blankToUndefined, integer(1, 86400).default('300')),
  NOTIFY_MAX_ATTEMPTS: z.preprocess(blankToUndefined, integer(1, 100).default('8')),
  RETENTION_DAYS: z.preprocess(blankToUndefined, integer(1, 3650).default('90')),
  PUBLIC_URL: z.preprocess(blankToUndefined, httpUrl.optional()),
  CONSOLE_DIR: optionalString,
  DRIFT_CHECK_INTERVAL_S: z.preprocess(blankToUndefined, integer(1, 86400).default('60')),
  NOTIFY_WORKER_ENABLED: z.preprocess(blankToUndefined, z.enum(['true', 'false']).default('true')),
  NOTIFY_POLL_INTERVAL_MS: z.preprocess(blankToUndefined, integer(10, 600000).default('1000')),
  NOTIFY_RETRY_BASE_MS: z.preprocess(blankToUndefined, integer(1, 3600000).default('2000')),
  NOTIFY_TIMEOUT_MS: z.preprocess(blankToUndefined, integer(100, 120000).default('10000')),
  MLFLOW_WEBHOOK_SECRET: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
});

/**
 * Reads and validates the environment. Throws {@link ConfigError} naming every bad variable;
 * values are never echoed, since some of them are secrets.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.MLFLOW_TRACKING_USERNAME && !e.MLFLOW_TRACKING_PASSWORD) {
    problems.push('MLFLOW_TRACKING_PASSWORD: required when MLFLOW_TRACKING_USERNAME is set');
  }
  if (e.MLFLOW_TRACKING_PASSWORD && !e.MLFLOW_TRACKING_USERNAME) {
    problems.push('MLFLOW_TRACKING_USERNAME: required when MLFLOW_TRACKING_PASSWORD is set');
  }
  if (problems.length) throw new ConfigError(problems);

  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    dataDir: resolve(e.MODELGATE_DATA_DIR),
    logLevel: e.LOG_LEVEL,
    mlflow: {
      trackingUri: e.MLFLOW_TRACKING_URI,
      token: e.MLFLOW_TRACKING_TOKEN,
      username: e.MLFLOW_TRACKING_USERNAME,
      password: e.MLFLOW_TRACKING_PASSWORD,
      timeoutMs: e.MLFLOW_TIMEOUT_MS,
    },
    projectsDir: e.PROJECTS_DIR ? resolve(e.PROJECTS_DIR) : undefined,
    slackWebhooks: e.SLACK_WEBHOOKS,
    notifyFrom: e.NOTIFY_FROM,
    eventBusName: e.EVENT_BUS_NAME,
    aws: {
      region: e.AWS_REGION,
      endpoints: {
        ses: e.AWS_ENDPOINT_URL_SES ?? e.AWS_ENDPOINT_URL,
        sfn: e.AWS_ENDPOINT_URL_SFN ?? e.AWS_ENDPOINT_URL,
        eventbridge: e.AWS_ENDPOINT_URL_EVENTBRIDGE ?? e.AWS_ENDPOINT_URL,
      },
    },
    adminApiKey: e.ADMIN_API_KEY,
    reconcileIntervalS: e.RECONCILE_INTERVAL_S,
    notifyMaxAttempts: e.NOTIFY_MAX_ATTEMPTS,
    retentionDays: e.RETENTION_DAYS,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    consoleDir: e.CONSOLE_DIR ? resolve(e.CONSOLE_DIR) : undefined,
    driftCheckIntervalS: e.DRIFT_CHECK_INTERVAL_S,
    outbox: {
      workerEnabled: e.NOTIFY_WORKER_ENABLED === 'true',
      pollIntervalMs: e.NOTIFY_POLL_INTERVAL_MS,
      retryBaseMs: e.NOTIFY_RETRY_BASE_MS,
      sendTimeoutMs: e.NOTIFY_TIMEOUT_MS,
    },
    mlflowWebhookSecret: e.MLFLOW_WEBHOOK_SECRET,
    slackSigningSecret: e.SLACK_SIGNING_SECRET,
  };
}
