/** Pure: the state an execution failed in, read from the newest events of its history. */

/** A Step Functions history event (the SDK's HistoryEvent, or its JSON); read defensively. */
export type HistoryEventLike = object;

interface HistoryEventFields {
  type?: unknown;
  stateEnteredEventDetails?: { name?: unknown } | null;
}

export interface FailedState {
  name: string;
  error: string | null;
  cause: string | null;
}

const EXECUTION_END = /^Execution(Failed|TimedOut|Aborted)$/;
/** Step-level failures: TaskFailed, TaskTimedOut, LambdaFunctionFailed, ActivityTimedOut, MapRunFailed… */
const STEP_FAILURE = /(Failed|TimedOut)$/;

/** The `error` and `cause` of whichever `…EventDetails` object the event carries. */
function errorOf(event: HistoryEventLike): { error: string | null; cause: string | null } | undefined {
  for (const [key, value] of Object.entries(event)) {
    if (!key.endsWith('EventDetails') || value === null || typeof value !== 'object') continue;
    const { error, cause } = value as { error?: unknown; cause?: unknown };
    if (typeof error === 'string' || typeof cause === 'string') {
      return { error: typeof error === 'string' ? error : null, cause: typeof cause === 'string' ? cause : null };
    }
  }
  return undefined;
}

/**
 * `newestFirst` is a history read in reverse order. The failing state is the newest `…StateEntered`
 * (the TaskStateEntered before the TaskFailed); its error and cause are those of the newest
 * step-level failure, else of the execution's own end (a Fail state, a timeout, an abort).
 * Undefined while no state was entered in the events given.
 */
export function failedStateOf(newestFirst: readonly HistoryEventLike[]): FailedState | undefined {
  let executionEnd: { error: string | null; cause: string | null } | undefined;
  let stepFailure: { error: string | null; cause: string | null } | undefined;
  for (const event of newestFirst) {
    const fields = event as HistoryEventFields;
    const type = typeof fields.type === 'string' ? fields.type : '';
    if (EXECUTION_END.test(type)) executionEnd ??= errorOf(event);
    else if (STEP_FAILURE.test(type)) stepFailure ??= errorOf(event);
    if (type.endsWith('StateEntered')) {
      const name = fields.stateEnteredEventDetails?.name;
      if (typeof name !== 'string' || !name) return undefined;
      const failure = stepFailure ?? executionEnd;
      return { name, error: failure?.error ?? null, cause: failure?.cause ?? null };
    }
  }
  return undefined;
}
