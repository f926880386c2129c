import type { ExecutionListItem, GetExecutionHistoryInput, SFNClient } from '@aws-sdk/client-sfn';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Lazy } from '../../common/lazy';
import { FailedState, HistoryEventLike, failedStateOf } from '../failed-state';
import { SfnMetrics } from './sfn.metrics';
import { SFN_CLIENT, sfnSdk } from './sfn-client.factory';
import { SfnWire } from './sfn-wire';

/** How a Step Functions call went wrong; `throttled` and `unavailable` get better later. */
export type SfnFailureKind = 'throttled' | 'timeout' | 'unavailable' | 'not_found' | 'refused';

export class StepFunctionsError extends Error {
  constructor(
    readonly kind: SfnFailureKind,
    readonly operation: string,
    message: string,
  ) {
    super(`Step Functions ${operation}: ${message}`);
    this.name = 'StepFunctionsError';
  }
}

const THROTTLED = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded']);
const NOT_FOUND = new Set(['ExecutionDoesNotExist', 'StateMachineDoesNotExist', 'ResourceNotFound']);

interface SdkErrorShape {
  name?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

export function classifySfnError(operation: string, err: unknown): StepFunctionsError {
  const e = (err ?? {}) as SdkErrorShape;
  const name = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const text = `${name}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? String(err)}`;
  if (THROTTLED.has(name) || status === 429) return new StepFunctionsError('throttled', operation, text);
  if (name === 'AbortError' || name === 'TimeoutError') return new StepFunctionsError('timeout', operation, text);
  if (NOT_FOUND.has(name)) return new StepFunctionsError('not_found', operation, text);
  if (e.$fault === 'server' || status === undefined || status >= 500) return new StepFunctionsError('unavailable', operation, text);
  return new StepFunctionsError('refused', operation, text);
}

/** An execution as DescribeExecution tells it. */
export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: string;
  startDate: Date | null;
  stopDate: Date | null;
  error: string | null;
  cause: string | null;
  output: string | null;
  redriveCount: number;
}

/** An execution as ListExecutions lists it. */
export interface ExecutionSummary {
  executionArn: string;
  name: string;
  status: string;
  startDate: Date;
  stopDate: Date | null;
  redriveCount: number;
}

/** History events read per page, newest first: enough for a task's entry, retries and failure. */
const HISTORY_PAGE = 20;
const HISTORY_PAGES = 3;
const LIST_PAGE = 100;
/** A bound on one listing: 10,000 executions of one state machine in one window is not a normal day. */
const LIST_PAGES = 100;

/** Step Functions through the AWS SDK: the reads modelgate makes, each bounded by the caller's signal. */
@Injectable()
export class StepFunctionsReader implements OnApplicationShutdown {
  private readonly wire: SfnWire;

  constructor(
    @Inject(SFN_CLIENT) private readonly sfn: Lazy<SFNClient>,
    private readonly metrics: SfnMetrics,
  ) {
    this.wire = new SfnWire(() => sfn.value);
  }

  /**
   * The state the execution failed in, from the newest events of its history; undefined when none
   * is named. Asked for every failure, so through {@link SfnWire}: a tenth of the SDK's CPU per call.
   */
  async failedState(executionArn: string, signal: AbortSignal): Promise<FailedState | undefined> {
    const events: HistoryEventLike[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < HISTORY_PAGES; page++) {
      const input: GetExecutionHistoryInput = { executionArn, reverseOrder: true, maxResults: HISTORY_PAGE, includeExecutionData: false, nextToken };
      const answer = await this.call('GetExecutionHistory', signal, () =>
        this.wire.call<{ events?: HistoryEventLike[]; nextToken?: string }>('GetExecutionHistory', input, signal),
      );
      events.push(...(answer.events ?? []));
      const found = failedStateOf(events);
      if (found || !answer.nextToken) return found;
      nextToken = answer.nextToken;
    }
    return undefined;
  }

  async describe(executionArn: string, signal: AbortSignal): Promise<ExecutionDescription> {
    const { DescribeExecutionCommand } = sfnSdk();
    const d = await this.call('DescribeExecution', signal, () => this.sfn.value.send(new DescribeExecutionCommand({ executionArn }), { abortSignal: signal }));
    return {
      executionArn: d.executionArn ?? executionArn,
      stateMachineArn: d.stateMachineArn ?? '',
      name: d.name ?? executionArn.slice(executionArn.lastIndexOf(':') + 1),
      status: d.status ?? 'UNKNOWN',
      startDate: d.startDate ?? null,
      stopDate: d.stopDate ?? null,
      error: d.error ?? null,
      cause: d.cause ?? null,
      output: d.output ?? null,
      redriveCount: d.redriveCount ?? 0,
    };
  }

  /**
   * Executions of the state machine that started at or after `horizon`, newest first. ListExecutions
   * lists newest start first, so paging stops at the first page reaching back past the horizon.
   */
  async executionsSince(stateMachineArn: string, horizon: Date, signal: AbortSignal): Promise<ExecutionSummary[]> {
    const { ListExecutionsCommand } = sfnSdk();
    const found: ExecutionSummary[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < LIST_PAGES; page++) {
      const answer = await this.call('ListExecutions', signal, () =>
        this.sfn.value.send(new ListExecutionsCommand({ stateMachineArn, maxResults: LIST_PAGE, nextToken }), { abortSignal: signal }),
      );
      const items = (answer.executions ?? []).map(toSummary).filter((e): e is ExecutionSummary => e !== undefined);
      found.push(...items.filter((e) => e.startDate >= horizon));
      if (!answer.nextToken || items.some((e) => e.startDate < horizon)) return found;
      nextToken = answer.nextToken;
    }
    return found;
  }

  /** Every state machine of the account and region: name → ARN. */
  async stateMachineArns(signal: AbortSignal): Promise<Map<string, string>> {
    const { ListStateMachinesCommand } = sfnSdk();
    const arns = new Map<string, string>();
    let nextToken: string | undefined;
    do {
      const answer = await this.call('ListStateMachines', signal, () =>
        this.sfn.value.send(new ListStateMachinesCommand({ maxResults: 1000, nextToken }), { abortSignal: signal }),
      );
      for (const m of answer.stateMachines ?? []) if (m.name && m.stateMachineArn) arns.set(m.name, m.stateMachineArn);
      nextToken = answer.nextToken;
    } while (nextToken);
    return arns;
  }

  onApplicationShutdown(): void {
    this.sfn.peek()?.destroy();
  }

  private async call<T>(operation: string, signal: AbortSignal, send: () => Promise<T>): Promise<T> {
    try {
      const answer = await send();
      this.metrics.requests.inc({ endpoint: operation, outcome: 'ok' });
      return answer;
    } catch (err) {
      const failure = signal.aborted ? new StepFunctionsError('timeout', operation, 'no answer in time') : classifySfnError(operation, err);
      this.metrics.requests.inc({ endpoint: operation, outcome: failure.kind === 'refused' || failure.kind === 'unavailable' ? 'error' : failure.kind });
      throw failure;
    }
  }
}

function toSummary(e: ExecutionListItem): ExecutionSummary | undefined {
  if (!e.executionArn || !e.status || !e.startDate) return undefined;
  return {
    executionArn: e.executionArn,
    name: e.name ?? e.executionArn.slice(e.executionArn.lastIndexOf(':') + 1),
    status: e.status,
    startDate: e.startDate,
    stopDate: e.stopDate ?? null,
    redriveCount: e.redriveCount ?? 0,
  };
}
