import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { NotificationMessage, PipelineRunNotice } from '../../notifications/notification.types';
import { Outbox } from '../../outbox/outbox';
import { FAILED_STEP_TIMEOUT_MS, FailedStepFinder } from './failed-step-finder';

/**
 * How long the notifications of a failure are held for their failing step: the lookup's bound and
 * time to release them. If the process dies before the release, they fall due then, without it.
 */
export const FAILED_STEP_HOLD_MS = FAILED_STEP_TIMEOUT_MS + 2000;

/**
 * Lookups in flight at once: a burst of failures must neither take the CPU ingestion needs nor
 * spend Step Functions' API quota (its sustained rate per account is low); the rest wait their
 * turn, within the same bound.
 */
export const LOOKUPS_IN_FLIGHT = 4;

interface Lookup {
  executionArn: string;
  notice: PipelineRunNotice;
  rowIds: string[];
  /** The bound counts from the commit: a lookup that waited its turn that long is not made. */
  deadline: number;
}

/**
 * Names the failing step in the notifications of a failed, timed-out or aborted execution after
 * they were committed (held), so ingestion never waits on Step Functions: the step is looked up
 * within {@link FAILED_STEP_TIMEOUT_MS} of the commit, then the rows are released, naming it when
 * it was found.
 */
@Injectable()
export class FailedStepLookup implements OnModuleDestroy {
  private readonly logger = new Logger(FailedStepLookup.name);
  private readonly waiting: Lookup[] = [];
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly finder: FailedStepFinder,
    private readonly outbox: Outbox,
  ) {}

  /** Looks the failing step up for these held outbox rows, which carry `notice`, then releases them; does not wait. */
  nameIn(executionArn: string, notice: PipelineRunNotice, rowIds: string[]): void {
    this.waiting.push({ executionArn, notice, rowIds, deadline: Date.now() + FAILED_STEP_TIMEOUT_MS });
    this.startNext();
  }

  /** Every lookup is bounded: let them release their rows before the database goes. */
  async onModuleDestroy(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }

  private startNext(): void {
    while (this.running.size < LOOKUPS_IN_FLIGHT && this.waiting.length > 0) {
      const lookup: Promise<void> = this.lookUp(this.waiting.shift()!).finally(() => {
        this.running.delete(lookup);
        this.startNext();
      });
      this.running.add(lookup);
    }
  }

  private async lookUp({ executionArn, notice, rowIds, deadline }: Lookup): Promise<void> {
    const failedState = await this.finder.find(executionArn, deadline - Date.now());
    const payload: NotificationMessage | undefined = failedState ? { type: 'pipeline_run', notice: { ...notice, failed_state: failedState } } : undefined;
    try {
      await Promise.all(rowIds.map((id) => this.outbox.release({ id, payload })));
    } catch (err) {
      this.logger.warn({ err, execution_arn: executionArn }, 'notifications held for the failing step not released: they are sent when the hold ends');
    }
  }
}
