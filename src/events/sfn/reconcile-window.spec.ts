import { parseEventBridgeEvent } from '../eventbridge-event.schema';
import {
  CLOCK_SKEW_MS,
  INITIAL_LOOKBACK_MS,
  MAX_LOOKBACK_MS,
  baseStateMachineArn,
  endedSince,
  listingHorizon,
  nextCheck,
  reconciledEvent,
} from './reconcile-window';
import type { ExecutionSummary } from './step-functions.reader';

const SM = 'arn:aws:states:us-east-1:123456789012:stateMachine:recsys-workflow';
const now = new Date('2026-11-23T12:00:00Z');
const min = (m: number) => new Date(now.getTime() - m * 60_000);
const exec = (name: string, status: string, start: Date, stop: Date | null = null): ExecutionSummary => ({
  executionArn: `arn:aws:states:us-east-1:123456789012:execution:recsys-workflow:${name}`,
  name,
  status,
  startDate: start,
  stopDate: stop,
  redriveCount: 0,
});

describe('reconcile window', () => {
  it('lists back to the last check (minus clock skew), an hour for a new state machine, never more than the cap', () => {
    expect(listingHorizon(undefined, now)).toEqual(new Date(now.getTime() - INITIAL_LOOKBACK_MS - CLOCK_SKEW_MS));
    expect(listingHorizon({ stateMachineArn: SM, listFrom: min(30), checkedThrough: min(5) }, now)).toEqual(new Date(min(30).getTime() - CLOCK_SKEW_MS));
    expect(listingHorizon({ stateMachineArn: SM, listFrom: min(60 * 24 * 30), checkedThrough: min(5) }, now)).toEqual(new Date(now.getTime() - MAX_LOOKBACK_MS));
  });

  it('takes terminal executions that ended since the last check', () => {
    const check = { stateMachineArn: SM, listFrom: min(30), checkedThrough: min(5) };
    const listed = [
      exec('running', 'RUNNING', min(20)),
      exec('pending-redrive', 'PENDING_REDRIVE', min(20)),
      exec('ended-now', 'FAILED', min(20), min(1)),
      exec('ended-in-skew', 'SUCCEEDED', min(20), min(5.5)),
      exec('ended-before', 'SUCCEEDED', min(25), min(10)),
    ];
    expect(endedSince(listed, check, now).map((e) => e.name)).toEqual(['ended-now', 'ended-in-skew']);
    expect(endedSince(listed, undefined, now).map((e) => e.name)).toEqual(['ended-now', 'ended-in-skew', 'ended-before']);
  });

  it('keeps the listing open behind executions still running', () => {
    expect(nextCheck(SM, [exec('a', 'SUCCEEDED', min(3), min(1))], now)).toEqual({ stateMachineArn: SM, listFrom: now, checkedThrough: now });
    expect(nextCheck(SM, [exec('a', 'RUNNING', min(40)), exec('b', 'PENDING_REDRIVE', min(50)), exec('c', 'FAILED', min(90), min(2))], now)).toEqual({
      stateMachineArn: SM,
      listFrom: min(50),
      checkedThrough: now,
    });
  });

  it('strips a version or alias from a state machine ARN', () => {
    expect(baseStateMachineArn(`${SM}:3`)).toBe(SM);
    expect(baseStateMachineArn(`${SM}:prod`)).toBe(SM);
    expect(baseStateMachineArn(SM)).toBe(SM);
  });

  it('builds the event Step Functions would have sent, which ingestion reads, with a stable id', () => {
    const described = {
      executionArn: exec('x', 'FAILED', min(9)).executionArn,
      stateMachineArn: SM,
      name: 'x',
      status: 'FAILED',
      startDate: min(9),
      stopDate: min(1),
      error: 'States.TaskFailed',
      cause: '{"a":1}',
      output: null,
      redriveCount: 1,
    };
    const event = reconciledEvent(described, SM);
    expect(reconciledEvent(described, SM).id).toBe(event.id);
    expect(reconciledEvent({ ...described, redriveCount: 2 }, SM).id).not.toBe(event.id);
    const parsed = parseEventBridgeEvent(event);
    expect(parsed.kind).toBe('execution');
    if (parsed.kind !== 'execution') return;
    expect(parsed.change).toMatchObject({
      executionArn: described.executionArn,
      stateMachineArn: SM,
      executionName: 'x',
      status: 'FAILED',
      redriveCount: 1,
      startDate: min(9),
      stopDate: min(1),
      error: 'States.TaskFailed',
      cause: '{"a":1}',
    });
  });
});
