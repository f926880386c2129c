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

  /** The failing step, or undefined when Step Functions does not name it within `timeoutMs` (at most {@link FAILED_STEP_TIMEOUT_MS}). */
  async find(executionArn: string, timeoutMs = FAILED_STEP_TIMEOUT_MS): Promise<FailedState | undefined> {
    if (Date.now() < this.pausedUntil || timeoutMs <= 0) return undefined;
    const waitMs = Math.min(timeoutMs, FAILED_STEP_TIMEOUT_MS);
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new StepFunctionsError('timeout', 'GetExecutionHistory', `no answer within ${waitMs} ms`));
      }, waitMs);
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
      // No abort once answered: an AbortSignal's abort builds a DOMException, with its stack, every time.
      clearTimeout(timer);
    }
  }
}
