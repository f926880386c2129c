import { z } from 'zod';
import type { FieldProblem } from '../common/errors/domain-error';

/** EventBridge's envelope; unknown fields are kept (the raw event is stored as received). */
const envelopeSchema = z
  .object({
    id: z.string().min(1).max(256),
    source: z.string().min(1).max(256),
    'detail-type': z.string().min(1).max(256),
    detail: z.record(z.unknown()),
    time: z.string().max(64).nullish(),
    region: z.string().max(64).nullish(),
    account: z.string().max(64).nullish(),
  })
  .passthrough();

/** Step Functions names executions in at most 80 characters; the column holds 256. */
const MAX_NAME = 256;
const epochMillis = z.number().finite().nonnegative().nullish();
const text = z.string().nullish();

/** `detail` of a Step Functions Execution Status Change, as far as modelgate reads it. */
const executionDetailSchema = z
  .object({
    executionArn: z.string().min(1).max(2048),
    stateMachineArn: z.string().min(1).max(2048),
    status: z
      .string()
      .min(1)
      .max(32)
      .regex(/^[A-Z_]+$/, 'must be a Step Functions status such as SUCCEEDED'),
    name: z.string().max(MAX_NAME).nullish(),
    startDate: epochMillis,
    stopDate: epochMillis,
    error: text,
    cause: text,
    output: text,
    redriveCount: z.number().int().nonnegative().nullish(),
  })
  .passthrough()
  // Without `name`, the execution is named by the ARN's tail, which must fit the same bound.
  .refine((d) => !!d.name || nameFromArn(d.executionArn).length <= MAX_NAME, {
    path: ['executionArn'],
    message: `without detail.name, the execution name after the ARN's last ':' must be at most ${MAX_NAME} characters`,
  });

export type EventBridgeEnvelope = z.infer<typeof envelopeSchema>;

/** One execution status change, normalised. */
export interface ExecutionStatusChange {
  eventId: string;
  source: string;
  detailType: string;
  executionArn: string;
  executionName: string;
  stateMachineArn: string;
  status: string;
  redriveCount: number;
  startDate: Date | null;
  stopDate: Date | null;
  error: string | null;
  cause: string | null;
  output: string | null;
  eventTime: Date | null;
}

export type ParsedEvent =
  | { kind: 'execution'; change: ExecutionStatusChange; raw: EventBridgeEnvelope }
  | { kind: 'other'; eventId: string; source: string; detailType: string; eventTime: Date | null; raw: EventBridgeEnvelope }
  | { kind: 'invalid'; problems: FieldProblem[] };

export const SFN_SOURCE = 'aws.states';
export const SFN_STATUS_CHANGE = 'Step Functions Execution Status Change';

function problemsOf(error: z.ZodError, prefix = ''): FieldProblem[] {
  const byField = new Map<string, string[]>();
  for (const issue of error.issues) {
    const field = prefix + (issue.path.join('.') || '(body)');
    byField.set(field, [...(byField.get(field) ?? []), issue.message]);
  }
  return [...byField].map(([field, problems]) => ({ field, problems }));
}

function dateOf(value: number | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** The last segment of an execution ARN (`arn:…:execution:{state machine}:{name}`). */
function nameFromArn(executionArn: string): string {
  return executionArn.slice(executionArn.lastIndexOf(':') + 1) || executionArn;
}

/** Reads one EventBridge event: a Step Functions status change, another event, or what is wrong with it. */
export function parseEventBridgeEvent(body: unknown): ParsedEvent {
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) return { kind: 'invalid', problems: problemsOf(envelope.error) };
  const raw = envelope.data;
  const eventTime = dateOf(raw.time);
  if (raw.source !== SFN_SOURCE || raw['detail-type'] !== SFN_STATUS_CHANGE) {
    return { kind: 'other', eventId: raw.id, source: raw.source, detailType: raw['detail-type'], eventTime, raw };
  }
  const detail = executionDetailSchema.safeParse(raw.detail);
  if (!detail.success) return { kind: 'invalid', problems: problemsOf(detail.error, 'detail.') };
  const d = detail.data;
  return {
    kind: 'execution',
    raw,
    change: {
      eventId: raw.id,
      source: raw.source,
      detailType: raw['detail-type'],
      executionArn: d.executionArn,
      executionName: d.name || nameFromArn(d.executionArn),
      stateMachineArn: d.stateMachineArn,
      status: d.status,
      redriveCount: d.redriveCount ?? 0,
      startDate: dateOf(d.startDate),
      stopDate: dateOf(d.stopDate),
      error: d.error ?? null,
      cause: d.cause ?? null,
      output: d.output ?? null,
      eventTime,
    },
  };
}

/** PostgreSQL text and jsonb refuse NUL characters; they carry nothing a reader needs. */
export function withoutNul<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/\u0000/g, '') as T;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutNul(k), withoutNul(v)])) as T;
  }
  return value;
}
