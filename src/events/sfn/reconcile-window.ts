import { createHash } from 'node:crypto';
import { SFN_SOURCE, SFN_STATUS_CHANGE } from '../eventbridge-event.schema';
import { isTerminal } from '../pipeline-notice';
import type { ExecutionDescription, ExecutionSummary } from './step-functions.reader';

/** Pure rules of the reconciler: how far back a round lists, what it ingests, where the next one starts. */

/** A state machine never checked before: executions that ended in the last hour are looked at. */
export const INITIAL_LOOKBACK_MS = 60 * 60_000;
/** A round never lists further back than this, however long an execution keeps running. */
export const MAX_LOOKBACK_MS = 7 * 24 * 3600_000;
/** Step Functions' clock and ours may disagree a little. */
export const CLOCK_SKEW_MS = 60_000;

/** What the last successful round of a state machine left. */
export interface StateMachineCheck {
  stateMachineArn: string;
  /** Listing reaches back to here: the round's start, or the start of the oldest execution then still running. */
  listFrom: Date;
  /** Executions that ended before this were already looked at. */
  checkedThrough: Date;
}

export function listingHorizon(check: StateMachineCheck | undefined, now: Date): Date {
  const from = check ? check.listFrom.getTime() : now.getTime() - INITIAL_LOOKBACK_MS;
  return new Date(Math.max(now.getTime() - MAX_LOOKBACK_MS, from - CLOCK_SKEW_MS));
}

/** Terminal executions that may have ended since the last check (their stop date, or start without one). */
export function endedSince(listed: readonly ExecutionSummary[], check: StateMachineCheck | undefined, now: Date): ExecutionSummary[] {
  const since = (check ? check.checkedThrough.getTime() : now.getTime() - INITIAL_LOOKBACK_MS) - CLOCK_SKEW_MS;
  return listed.filter((e) => isTerminal(e.status) && (e.stopDate ?? e.startDate).getTime() >= since);
}

/** After a successful round started at `roundStart`: still-running executions keep the listing open behind them. */
export function nextCheck(stateMachineArn: string, listed: readonly ExecutionSummary[], roundStart: Date): StateMachineCheck {
  const running = listed.filter((e) => !isTerminal(e.status)).map((e) => e.startDate.getTime());
  return { stateMachineArn, listFrom: new Date(Math.min(roundStart.getTime(), ...running)), checkedThrough: roundStart };
}

/** `arn:…:stateMachine:name[:version or alias]` → `arn:…:stateMachine:name`. */
export function baseStateMachineArn(arn: string): string {
  const parts = arn.split(':');
  const at = parts.indexOf('stateMachine');
  return at >= 0 && parts[at + 1] ? parts.slice(0, at + 2).join(':') : arn;
}

/** The key the pipeline_events unique constraint makes of an execution status. */
export function statusKey(executionArn: string, status: string, redriveCount: number): string {
  return `${executionArn}|${status}|${redriveCount}`;
}

/**
 * The EventBridge event Step Functions would have sent for this execution, for the ingestion path.
 * The id is derived from the execution status, so every round (and replica) produces the same one.
 */
export function reconciledEvent(d: ExecutionDescription, stateMachineArn: string): Record<string, unknown> {
  const [, , , region, account] = d.executionArn.split(':');
  const key = statusKey(d.executionArn, d.status, d.redriveCount);
  return {
    version: '0',
    id: `modelgate-reconciler-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`,
    'detail-type': SFN_STATUS_CHANGE,
    source: SFN_SOURCE,
    account: account || null,
    time: (d.stopDate ?? d.startDate ?? new Date()).toISOString(),
    region: region || null,
    resources: [d.executionArn],
    detail: {
      executionArn: d.executionArn,
      stateMachineArn: d.stateMachineArn || stateMachineArn,
      name: d.name,
      status: d.status,
      startDate: d.startDate?.getTime() ?? null,
      stopDate: d.stopDate?.getTime() ?? null,
      input: null,
      output: d.output,
      error: d.error,
      cause: d.cause,
      redriveCount: d.redriveCount,
    },
  };
}
