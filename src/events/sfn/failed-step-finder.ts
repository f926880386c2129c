import { Injectable, Logger } from '@nestjs/common';
import type { FailedState } from '../failed-state';
import { StepFunctionsError, StepFunctionsReader } from './step-functions.reader';

/** The most a notification waits for Step Functions to name the failing step. */
export const FAILED_STEP_TIMEOUT_MS = 3000;
/** After Step Functions was unreachable, notifications skip asking it for this long. */
export const OUTAGE_PAUSE_MS = 30_000;

/**
 * Names the state a failed, timed-out or aborted execution stopped in. Never holds a notification
 * back: an answer later than {@link FAILED_STEP_TIMEOUT_MS}, or any failure, is "unknown".
 */
@Injectable()
export class FailedStepFinder {
  private readonly logger = new Logger(FailedStepFinder.name);
  private pausedUntil = 0;

  constructor(private readonly reader: StepFunctionsReader) {}

  async find(executionArn: string, now = Date.now()): Promise<FailedState | undefined> {
    if (now < this.pausedUntil) return undefined;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new StepFunctionsError('timeout', 'GetExecutionHistory', `no answer within ${FAILED_STEP_TIMEOUT_MS} ms`));
      }, FAILED_STEP_TIMEOUT_MS);
    });
    try {
      // The race bounds the wait even if an SDK layer were to ignore the abort.
      return await Promise.race([this.reader.failedState(executionArn, controller.signal), deadline]);
    } catch (err) {
      const kind = err instanceof StepFunctionsError ? err.kind : 'unavailable';
      if (kind === 'timeout' || kind === 'unavailable') this.pausedUntil = Date.now() + OUTAGE_PAUSE_MS;
      this.logger.warn(
        { execution_arn: executionArn, reason: kind, err: err instanceof Error ? err.message : String(err) },
        'failing step unknown: notifying without it',
      );
      return undefined;
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
  }
}
