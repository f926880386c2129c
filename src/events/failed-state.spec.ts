import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HistoryEventLike, failedStateOf } from './failed-state';

const fixture = JSON.parse(readFileSync(join(__dirname, '../../test/fixtures/aws/sfn-get-execution-history-failed.json'), 'utf8')) as {
  events: HistoryEventLike[];
};

const entered = (name: string, type = 'TaskStateEntered'): HistoryEventLike => ({ type, stateEnteredEventDetails: { name } });
const exited = (name: string): HistoryEventLike => ({ type: 'TaskStateExited', stateExitedEventDetails: { name } });

describe('failedStateOf', () => {
  it('names the TaskStateEntered before the TaskFailed of the captured history, with its error and cause', () => {
    const state = failedStateOf(fixture.events);
    expect(state).toEqual({ name: 'Score Model', error: 'States.TaskFailed', cause: expect.stringContaining('Essential container in task exited') });
  });

  it('takes the newest failure of a retried task, not an earlier attempt', () => {
    const events: HistoryEventLike[] = [
      { type: 'ExecutionFailed', executionFailedEventDetails: { error: 'States.TaskFailed', cause: 'final' } },
      { type: 'TaskFailed', taskFailedEventDetails: { error: 'States.Timeout', cause: 'attempt 2' } },
      { type: 'TaskScheduled' },
      { type: 'TaskFailed', taskFailedEventDetails: { error: 'States.TaskFailed', cause: 'attempt 1' } },
      entered('Train'),
      exited('Build Dataset'),
      entered('Build Dataset'),
    ];
    expect(failedStateOf(events)).toEqual({ name: 'Train', error: 'States.Timeout', cause: 'attempt 2' });
  });

  it('falls back to the execution end for a Fail state, a timeout or an abort', () => {
    expect(failedStateOf([{ type: 'ExecutionFailed', executionFailedEventDetails: { error: 'NoData', cause: 'empty input' } }, entered('Give Up', 'FailStateEntered')])).toEqual({
      name: 'Give Up',
      error: 'NoData',
      cause: 'empty input',
    });
    expect(failedStateOf([{ type: 'ExecutionTimedOut', executionTimedOutEventDetails: { error: 'States.Timeout' } }, { type: 'TaskStarted' }, entered('Score')])).toEqual({
      name: 'Score',
      error: 'States.Timeout',
      cause: null,
    });
    expect(failedStateOf([{ type: 'ExecutionAborted' }, entered('Train')])).toEqual({ name: 'Train', error: null, cause: null });
  });

  it('answers undefined while the events given hold no state entered', () => {
    expect(failedStateOf(fixture.events.slice(0, 4))).toBeUndefined();
    expect(failedStateOf([])).toBeUndefined();
    expect(failedStateOf([{ type: 'TaskStateEntered', stateEnteredEventDetails: {} }])).toBeUndefined();
  });
});
