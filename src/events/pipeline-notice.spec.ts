import { loadEvent } from '../../test/fixtures/events/factories';
import { parseEventBridgeEvent } from './eventbridge-event.schema';
import { isTerminal, noticeOf, recipientsFor } from './pipeline-notice';

const notifications = { onSuccess: ['team@x.io'], onFailure: ['team@x.io', 'oncall@x.io', 'slack:alerts'], onApprovalNeeded: [], onDrift: [] };

describe('who hears about an execution', () => {
  it('tells on_success about SUCCEEDED and on_failure about FAILED, TIMED_OUT and ABORTED', () => {
    expect(recipientsFor('SUCCEEDED', notifications)).toEqual(['team@x.io']);
    for (const status of ['FAILED', 'TIMED_OUT', 'ABORTED']) expect(recipientsFor(status, notifications)).toHaveLength(3);
  });

  it('tells nobody about RUNNING or a status it does not know', () => {
    expect(recipientsFor('RUNNING', notifications)).toEqual([]);
    expect(recipientsFor('PENDING_REDRIVE', notifications)).toEqual([]);
    expect(isTerminal('RUNNING')).toBe(false);
    expect(isTerminal('TIMED_OUT')).toBe(true);
  });

  it('builds the notice from the event and the project', () => {
    const parsed = parseEventBridgeEvent(loadEvent('sfn-failed-redriven'));
    if (parsed.kind !== 'execution') throw new Error('expected an execution');
    expect(noticeOf(parsed.change, { name: 'recsys', version: '1.0.0' })).toEqual({
      project: 'recsys',
      project_version: '1.0.0',
      execution_arn: 'arn:aws:states:us-east-1:123456789012:execution:recsys-workflow:sched-recsys-20261123T030000',
      execution_name: 'sched-recsys-20261123T030000',
      state_machine_arn: 'arn:aws:states:us-east-1:123456789012:stateMachine:recsys-workflow',
      status: 'FAILED',
      redrive_count: 1,
      start_date: '2026-11-23T03:00:00.000Z',
      stop_date: '2026-11-23T03:15:00.000Z',
      error: 'States.TaskFailed',
      cause: 'Essential container in task exited',
      output: null,
      event_id: 'f6a7b8c9-4444-4d5e-8f6a-7b8c9d0e1f06',
    });
  });
});
