import type { RecordedRequest } from './fake-mlflow';

/** Requests held by FakeMlflow.hold() until the test decides what MLflow did with them. */
export interface RequestHold {
  /** Requests waiting now. */
  readonly waiting: number;
  /** Resolves once `count` requests wait; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  /** Process the held requests (and later ones) even if their client hung up: MLflow acted, the answer was lost. */
  release(): void;
  /** Drop the held requests (and later ones) unprocessed, as if they never reached MLflow. */
  discard(): void;
}

type HoldVerdict = 'release' | 'discard';

export class HeldRequests implements RequestHold {
  private verdict?: HoldVerdict;
  private readonly parked: ((v: HoldVerdict) => void)[] = [];
  private readonly watchers: (() => void)[] = [];

  constructor(readonly match: (r: RecordedRequest) => boolean) {}

  get waiting(): number {
    return this.parked.length;
  }

  enter(): Promise<HoldVerdict> {
    if (this.verdict) return Promise.resolve(this.verdict);
    return new Promise((resolve) => {
      this.parked.push(resolve);
      for (const w of this.watchers) w();
    });
  }

  waitFor(count: number, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`expected ${count} held MLflow requests, got ${this.waiting}`)), timeoutMs);
      const check = () => {
        if (this.waiting < count) return;
        clearTimeout(timer);
        this.watchers.splice(this.watchers.indexOf(check), 1);
        resolve();
      };
      this.watchers.push(check);
      check();
    });
  }

  release(): void {
    this.settle('release');
  }

  discard(): void {
    this.settle('discard');
  }

  private settle(verdict: HoldVerdict): void {
    this.verdict = verdict;
    for (const resolve of this.parked.splice(0)) resolve(verdict);
  }
}
