import type { PipelineRunNotice } from '../notification.types';

/** Facts shared by the e-mail and Slack renderings of a pipeline notice; pure. */

export const FAILURE_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;

export function isFailure(status: string): boolean {
  return (FAILURE_STATUSES as readonly string[]).includes(status);
}

export interface ArnParts {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

export function parseArn(arn: string): ArnParts | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || !parts[3]) return undefined;
  return { partition: parts[1], service: parts[2], region: parts[3], account: parts[4], resource: parts.slice(5).join(':') };
}

function consoleBase(arn: ArnParts): string {
  if (arn.partition === 'aws-cn') return `https://${arn.region}.console.amazonaws.cn`;
  if (arn.partition === 'aws-us-gov') return `https://${arn.region}.console.amazonaws-us-gov.com`;
  return `https://${arn.region}.console.aws.amazon.com`;
}

/** The Step Functions console page of the execution, in the region of its ARN. */
export function executionConsoleUrl(executionArn: string): string | undefined {
  const arn = parseArn(executionArn);
  if (!arn) return undefined;
  return `${consoleBase(arn)}/states/home?region=${arn.region}#/v2/executions/details/${encodeURI(executionArn)}`;
}

/** The project's CloudWatch log group (ECS tasks log to `/ecs/{project}`). */
export function logGroupOf(project: string): string {
  return `/ecs/${project}`;
}

/** The CloudWatch console page of a log group; the console escapes `%` as `$25` in its fragment. */
export function logGroupConsoleUrl(executionArn: string, logGroup: string): string | undefined {
  const arn = parseArn(executionArn);
  if (!arn) return undefined;
  const escaped = encodeURIComponent(logGroup).replace(/%/g, '$25');
  return `${consoleBase(arn)}/cloudwatch/home?region=${arn.region}#logsV2:log-groups/log-group/${escaped}`;
}

/** `1h 2m 3s`, `10m 12s`, `45s`; undefined without both dates. */
export function formatDuration(start: string | null, stop: string | null): string | undefined {
  if (!start || !stop) return undefined;
  const ms = Date.parse(stop) - Date.parse(start);
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h ${m}m ${s}s`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

/** `2026-11-23 03:00:00 UTC`. */
export function formatTime(iso: string | null): string | undefined {
  if (!iso) return undefined;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A cause (or output) that is JSON, pretty-printed; anything else as is. */
export function readableJson(value: string | null): string | undefined {
  if (value === null || value.trim() === '') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed !== null && typeof parsed === 'object') return JSON.stringify(parsed, null, 2);
  } catch {
    // not JSON: shown as written
  }
  return value;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** One line, no control characters: subjects and headers must not break. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** The facts every rendering lists, in order, as label/value pairs (values not yet escaped). */
export interface PipelineFacts {
  title: string;
  subject: string;
  failed: boolean;
  rows: { label: string; value: string }[];
  failedState?: { name: string; error?: string; cause?: string };
  error?: string;
  cause?: string;
  output?: string;
  executionUrl?: string;
  logGroup: string;
  logGroupUrl?: string;
}

export const CAUSE_MAX_CHARS = 4000;

export function pipelineFacts(n: PipelineRunNotice): PipelineFacts {
  const redrive = n.redrive_count > 0 ? ` (redrive ${n.redrive_count})` : '';
  const rows: { label: string; value: string }[] = [
    { label: 'Project', value: `${n.project} (config ${n.project_version})` },
    { label: 'Status', value: n.status },
    { label: 'Execution', value: n.execution_name },
  ];
  if (n.redrive_count > 0) rows.push({ label: 'Redrive', value: String(n.redrive_count) });
  const started = formatTime(n.start_date);
  const stopped = formatTime(n.stop_date);
  const duration = formatDuration(n.start_date, n.stop_date);
  if (started) rows.push({ label: 'Started', value: started });
  if (stopped) rows.push({ label: 'Stopped', value: stopped });
  if (duration) rows.push({ label: 'Duration', value: duration });
  const logGroup = logGroupOf(n.project);
  const failedState = n.failed_state
    ? {
        name: n.failed_state.name,
        error: n.failed_state.error ?? undefined,
        cause: truncateOptional(readableJson(n.failed_state.cause)),
      }
    : undefined;
  return {
    title: `Pipeline ${n.status}: ${n.project}`,
    subject: oneLine(`[${n.project}] pipeline ${n.status} — ${n.execution_name}${redrive}`),
    failed: isFailure(n.status),
    rows,
    failedState,
    error: n.error ?? undefined,
    cause: truncateOptional(readableJson(n.cause)),
    output: n.status === 'SUCCEEDED' ? truncateOptional(readableJson(n.output), 1000) : undefined,
    executionUrl: executionConsoleUrl(n.execution_arn),
    logGroup,
    logGroupUrl: logGroupConsoleUrl(n.execution_arn, logGroup),
  };
}

function truncateOptional(text: string | undefined, max = CAUSE_MAX_CHARS): string | undefined {
  return text === undefined ? undefined : truncate(text, max);
}
