/** When to give up recording after `failures` failed commits in a row, and how long to pause before the next. */
export interface RecordRetry {
  keepTrying(failures: number): boolean;
  pauseMs(failures: number): number;
}

/**
 * Commits send outcomes as they come: what is added while no commit runs is committed at once;
 * what finishes during a commit goes into the next one, together (one UPDATE for many rows, and
 * never a wait for a send still under way). A failed commit is tried again while `retry` allows,
 * then handed to `giveUp` (those rows are sent again once their lease expires).
 */
export class OutcomeRecorder<T> {
  private queue: T[] = [];
  private running = false;
  private flushed: Promise<void> = Promise.resolve();

  constructor(
    private readonly commit: (batch: T[]) => Promise<void>,
    private readonly retry: RecordRetry,
    private readonly giveUp: (batch: T[], err: unknown) => void,
  ) {}

  add(records: T[]): void {
    if (records.length === 0) return;
    this.queue.push(...records);
    if (this.running) return;
    this.running = true;
    this.flushed = this.flush();
  }

  /** Resolves once everything added so far was committed or given up. */
  async settled(): Promise<void> {
    while (this.running) await this.flushed;
  }

  private async flush(): Promise<void> {
    let failures = 0;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0);
        try {
          await this.commit(batch);
          failures = 0;
        } catch (err) {
          failures += 1;
          if (this.retry.keepTrying(failures)) {
            this.queue.unshift(...batch);
            await new Promise((resolve) => setTimeout(resolve, this.retry.pauseMs(failures)));
          } else {
            failures = 0;
            this.giveUp(batch, err);
          }
        }
      }
    } finally {
      // Set in the same tick as the empty-queue check, so a later add() starts a new flush.
      this.running = false;
    }
  }
}
