import type { Tx } from '../database/transactions';

/** Where the event came from: EventBridge, or the reconciler that finds what EventBridge missed. */
export type EventOrigin = 'eventbridge' | 'reconciler';

export interface NewPipelineEvent {
  eventId: string;
  source: string;
  detailType: string;
  origin: EventOrigin;
  /** Not a Step Functions execution status change: kept, changes nothing. */
  ignored: boolean;
  executionArn: string | null;
  executionName: string | null;
  stateMachineArn: string | null;
  /** Null when no project claims the state machine. */
  project: string | null;
  projectVersion: string | null;
  status: string | null;
  redriveCount: number | null;
  startDate: Date | null;
  stopDate: Date | null;
  error: string | null;
  cause: string | null;
  eventTime: Date | null;
  /** The event as received, JSON. */
  rawJson: string;
}

export interface PipelineEventRecord {
  id: string;
  eventId: string;
  origin: EventOrigin;
  status: string;
  redriveCount: number;
  eventTime: Date | null;
  receivedAt: Date;
}

/** One execution as its events tell it: the status is that of its latest attempt's latest state. */
export interface PipelineRun {
  executionArn: string;
  executionName: string | null;
  stateMachineArn: string;
  project: string | null;
  projectVersion: string | null;
  status: string;
  redriveCount: number;
  startDate: Date | null;
  stopDate: Date | null;
  error: string | null;
  cause: string | null;
  eventsReceived: number;
  lastEventAt: Date;
}

export interface PipelineRunFilter {
  /** A project name, or null for executions no project claims. */
  project?: string | null;
  status?: string;
}

/** Where the next page of runs starts: after this run, in the order newest start first (no start last), then ARN. */
export interface RunCursor {
  /** The last run's start, ISO 8601, or null when it had none. */
  start: string | null;
  arn: string;
}

export abstract class PipelineEventStore {
  /**
   * Stores the events (distinct event ids) in one statement; answers each one's id, or undefined for
   * a duplicate of a stored event (same event id, or same execution + status + redrive count).
   */
  abstract insertMany(tx: Tx | undefined, events: NewPipelineEvent[]): Promise<(string | undefined)[]>;
  abstract listRuns(filter: PipelineRunFilter, limit: number, after?: RunCursor): Promise<PipelineRun[]>;
  abstract findRun(executionArn: string): Promise<PipelineRun | undefined>;
  abstract eventsOf(executionArn: string): Promise<PipelineEventRecord[]>;
  /** The (execution, status, redrive count) already stored for these executions, as `arn|status|redrive` keys. */
  /**
   * Deletes at most `limit` events received before `cutoff` whose execution has no notification
   * left in the outbox (so a run is never listed without its notifications); answers how many.
   */
  abstract purgeSettled(cutoff: Date, limit: number): Promise<number>;
  abstract seenStatuses(executionArns: string[]): Promise<Set<string>>;
}
