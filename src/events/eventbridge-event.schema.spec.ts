import { FixtureName, loadEvent } from '../../test/fixtures/events/factories';
import { parseEventBridgeEvent, withoutNul } from './eventbridge-event.schema';

const STATUS_FIXTURES: [FixtureName, string, number][] = [
  ['sfn-running', 'RUNNING', 0],
  ['sfn-succeeded', 'SUCCEEDED', 0],
  ['sfn-failed', 'FAILED', 0],
  ['sfn-failed-redriven', 'FAILED', 1],
  ['sfn-timed-out', 'TIMED_OUT', 0],
  ['sfn-aborted', 'ABORTED', 0],
  ['sfn-unknown-project', 'FAILED', 0],
];

describe('parseEventBridgeEvent', () => {
  it.each(STATUS_FIXTURES)('reads %s as a %s status change (redrive %d)', (name, status, redriveCount) => {
    const event = loadEvent(name);
    const parsed = parseEventBridgeEvent(event);
    if (parsed.kind !== 'execution') throw new Error(`expected an execution, got ${parsed.kind}`);
    expect(parsed.change).toMatchObject({
      eventId: event.id,
      executionArn: event.detail.executionArn,
      stateMachineArn: event.detail.stateMachineArn,
      executionName: event.detail.name,
      status,
      redriveCount,
      startDate: new Date(event.detail.startDate as number),
      eventTime: new Date(event.time),
    });
  });

  it('keeps dates, error, cause and output as the event gives them', () => {
    const parsed = parseEventBridgeEvent(loadEvent('sfn-failed'));
    if (parsed.kind !== 'execution') throw new Error('expected an execution');
    expect(parsed.change.stopDate?.toISOString()).toBe('2026-11-23T03:10:12.000Z');
    expect(parsed.change.error).toBe('States.TaskFailed');
    expect(parsed.change.cause).toContain('"StoppedReason": "Essential container in task exited"');
    const running = parseEventBridgeEvent(loadEvent('sfn-running'));
    if (running.kind !== 'execution') throw new Error('expected an execution');
    expect(running.change).toMatchObject({ stopDate: null, error: null, cause: null, output: null });
  });

  it('tells other events apart, keeping unknown fields', () => {
    const parsed = parseEventBridgeEvent({ ...loadEvent('not-step-functions'), extra: { kept: true } });
    expect(parsed).toMatchObject({ kind: 'other', source: 'aws.scheduler', detailType: 'Scheduled Event', raw: { extra: { kept: true } } });
  });

  it('refuses a Step Functions event lacking what it needs, naming each field', () => {
    const event = loadEvent('sfn-failed');
    delete event.detail.executionArn;
    delete event.detail.status;
    event.detail.redriveCount = 'one';
    const parsed = parseEventBridgeEvent(event);
    expect(parsed.kind).toBe('invalid');
    if (parsed.kind !== 'invalid') return;
    expect(parsed.problems.map((p) => p.field).sort()).toEqual(['detail.executionArn', 'detail.redriveCount', 'detail.status']);
  });

  it('refuses bodies that are not an envelope', () => {
    for (const body of [undefined, null, [], 'text', 42, { id: 'x' }, { id: 'x', source: 's', 'detail-type': 'd', detail: 'no' }]) {
      expect(parseEventBridgeEvent(body).kind).toBe('invalid');
    }
  });

  it('defaults a missing redrive count to 0 and a missing name to the ARN tail', () => {
    const event = loadEvent('sfn-succeeded');
    delete event.detail.redriveCount;
    delete event.detail.name;
    const parsed = parseEventBridgeEvent(event);
    if (parsed.kind !== 'execution') throw new Error('expected an execution');
    expect(parsed.change).toMatchObject({ redriveCount: 0, executionName: 'sched-recsys-20261122T030000' });
  });

  it('refuses an execution whose name, taken from a long ARN tail, would not fit', () => {
    const event = loadEvent('sfn-succeeded');
    delete event.detail.name;
    event.detail.executionArn = `arn:aws:states:us-east-1:123456789012:execution:recsys-workflow:${'x'.repeat(257)}`;
    const parsed = parseEventBridgeEvent(event);
    expect(parsed.kind).toBe('invalid');
    if (parsed.kind === 'invalid') expect(JSON.stringify(parsed)).toContain('detail.executionArn');
    event.detail.executionArn = `arn:aws:states:us-east-1:123456789012:execution:recsys-workflow:${'x'.repeat(256)}`;
    expect(parseEventBridgeEvent(event).kind).toBe('execution');
  });

  it('strips NUL characters PostgreSQL would refuse', () => {
    expect(withoutNul({ a: 'x\u0000y', b: ['\u0000'], c: 1, d: null })).toEqual({ a: 'xy', b: [''], c: 1, d: null });
  });
});
