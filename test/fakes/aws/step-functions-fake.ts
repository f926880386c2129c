import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsJsonError, AwsJsonServer, epochSeconds, pageOf } from './aws-json-server';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

export interface FakeExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: string;
  startDate: Date;
  stopDate?: Date;
  error?: string;
  cause?: string;
  output?: string;
  redriveCount: number;
  /** History events oldest first, as AWS numbers them (dates in epoch seconds). */
  history: Record<string, unknown>[];
}

/** The captured GetExecutionHistory answer (reverse order) for the failed recsys run, oldest first. */
export function failedRunHistory(): Record<string, unknown>[] {
  const file = join(__dirname, '..', '..', 'fixtures', 'aws', 'sfn-get-execution-history-failed.json');
  return [...(JSON.parse(readFileSync(file, 'utf8')) as { events: Record<string, unknown>[] }).events].reverse();
}

/**
 * Step Functions on loopback, through the real SDK client (`AWS_ENDPOINT_URL_SFN`): ListStateMachines,
 * ListExecutions (newest start first, paged), DescribeExecution and GetExecutionHistory (paged, reverse order).
 */
export class StepFunctionsFake extends AwsJsonServer {
  readonly stateMachines = new Map<string, { name: string; creationDate: Date }>();
  readonly executions = new Map<string, FakeExecution>();
  /** When set, an execution never added answers with this history (benchmarks of unique executions). */
  private anyExecutionHistory?: Record<string, unknown>[];

  private constructor() {
    super('application/x-amz-json-1.0', {
      ListStateMachines: (b) => this.listStateMachines(b),
      ListExecutions: (b) => this.listExecutions(b),
      DescribeExecution: (b) => this.describeExecution(b),
      GetExecutionHistory: (b) => this.getExecutionHistory(b),
    });
  }

  static async start(): Promise<StepFunctionsFake> {
    const fake = new StepFunctionsFake();
    await fake.listen();
    return fake;
  }

  static stateMachineArn(name: string): string {
    return `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
  }

  static executionArn(stateMachine: string, execution: string): string {
    return `arn:aws:states:${REGION}:${ACCOUNT}:execution:${stateMachine}:${execution}`;
  }

  addStateMachine(name: string): string {
    const arn = StepFunctionsFake.stateMachineArn(name);
    this.stateMachines.set(arn, { name, creationDate: new Date('2026-01-01T00:00:00Z') });
    return arn;
  }

  /** Adds (or replaces) an execution of `stateMachine` (a name); answers its ARN. */
  addExecution(stateMachine: string, e: Partial<FakeExecution> & { name: string; status: string; startDate: Date }): FakeExecution {
    const stateMachineArn = this.addStateMachine(stateMachine);
    const execution: FakeExecution = {
      executionArn: StepFunctionsFake.executionArn(stateMachine, e.name),
      stateMachineArn,
      redriveCount: 0,
      history: [],
      ...e,
    };
    this.executions.set(execution.executionArn, execution);
    return execution;
  }

  /** Every execution not added answers as a failed one with `history` (e.g. {@link failedRunHistory}). */
  answerAnyExecution(history: Record<string, unknown>[]): void {
    this.anyExecutionHistory = history;
  }

  private execution(arn: unknown): FakeExecution {
    const e = typeof arn === 'string' ? (this.executions.get(arn) ?? this.anyExecution(arn)) : undefined;
    if (!e) throw new AwsJsonError('ExecutionDoesNotExist', `Execution Does Not Exist: '${String(arn)}'`);
    return e;
  }

  private anyExecution(arn: string): FakeExecution | undefined {
    const match = /^arn:aws:states:[^:]+:\d+:execution:([^:]+):([^:]+)$/.exec(arn);
    if (!this.anyExecutionHistory || !match) return undefined;
    const [, stateMachine, name] = match;
    const stateMachineArn = StepFunctionsFake.stateMachineArn(stateMachine);
    return { executionArn: arn, stateMachineArn, name, status: 'FAILED', startDate: new Date(0), redriveCount: 0, history: this.anyExecutionHistory };
  }

  private listStateMachines(body: { maxResults?: number; nextToken?: string }) {
    const all = [...this.stateMachines].map(([arn, m]) => ({
      stateMachineArn: arn,
      name: m.name,
      type: 'STANDARD',
      creationDate: epochSeconds(m.creationDate),
    }));
    const { page, nextToken } = pageOf(all, body, 100);
    return { stateMachines: page, ...(nextToken ? { nextToken } : {}) };
  }

  private listExecutions(body: { stateMachineArn?: string; maxResults?: number; nextToken?: string }) {
    if (!body.stateMachineArn || !this.stateMachines.has(body.stateMachineArn)) {
      throw new AwsJsonError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(body.stateMachineArn)}'`);
    }
    const all = [...this.executions.values()]
      .filter((e) => e.stateMachineArn === body.stateMachineArn)
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime())
      .map((e) => ({
        executionArn: e.executionArn,
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: epochSeconds(e.startDate),
        ...(e.stopDate ? { stopDate: epochSeconds(e.stopDate) } : {}),
        redriveCount: e.redriveCount,
      }));
    const { page, nextToken } = pageOf(all, body, 100);
    return { executions: page, ...(nextToken ? { nextToken } : {}) };
  }

  private describeExecution(body: { executionArn?: string }) {
    const e = this.execution(body.executionArn);
    return {
      executionArn: e.executionArn,
      stateMachineArn: e.stateMachineArn,
      name: e.name,
      status: e.status,
      startDate: epochSeconds(e.startDate),
      ...(e.stopDate ? { stopDate: epochSeconds(e.stopDate) } : {}),
      input: '{}',
      ...(e.output !== undefined ? { output: e.output } : {}),
      ...(e.error !== undefined ? { error: e.error } : {}),
      ...(e.cause !== undefined ? { cause: e.cause } : {}),
      redriveCount: e.redriveCount,
    };
  }

  private getExecutionHistory(body: { executionArn?: string; reverseOrder?: boolean; maxResults?: number; nextToken?: string }) {
    const e = this.execution(body.executionArn);
    const ordered = body.reverseOrder ? [...e.history].reverse() : e.history;
    const { page, nextToken } = pageOf(ordered, body, 100);
    return { events: page, ...(nextToken ? { nextToken } : {}) };
  }
}
