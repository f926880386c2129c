import { Injectable } from '@nestjs/common';
import { LockTimeoutError, LockedSession, Transactions } from './transactions';

/** What {@link ModelLock.tryHold} answers: the work's result, or that someone else holds the lock. */
export type TryHoldResult<T> = { held: true; value: T } | { held: false };

/**
 * The one lock per registered model, across replicas, that every change of its stages takes:
 * promotions, adoptions, reverts and drift checks. Below the features that take it (the name is
 * the one promotions always used, so replicas of both versions exclude each other during an upgrade).
 */
@Injectable()
export class ModelLock {
  constructor(private readonly transactions: Transactions) {}

  static nameOf(model: string): string {
    return `promotion:${model}`;
  }

  /** Waits up to `waitMs`; throws {@link LockTimeoutError} when it stays taken. */
  hold<T>(model: string, waitMs: number, work: (session: LockedSession) => Promise<T>): Promise<T> {
    return this.transactions.withSessionLock(ModelLock.nameOf(model), waitMs, work);
  }

  /** Runs `work` only if the lock is free right now: a drift check never waits for a promotion. */
  async tryHold<T>(model: string, work: (session: LockedSession) => Promise<T>): Promise<TryHoldResult<T>> {
    try {
      return { held: true, value: await this.hold(model, 0, work) };
    } catch (err) {
      if (err instanceof LockTimeoutError && err.lockName === ModelLock.nameOf(model)) return { held: false };
      throw err;
    }
  }
}
