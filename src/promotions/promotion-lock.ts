import { Injectable } from '@nestjs/common';
import { ModelLock } from '../database/model-lock';
import { LockTimeoutError, LockedSession } from '../database/transactions';
import { PromotionError, PromotionErrorCode } from './promotions.errors';

/** How long a promotion waits for another one of the same model before answering 409. */
const WAIT_MS = 15_000;

/** The model's lock as promotions take it: a timeout is PROMOTION_IN_PROGRESS. */
@Injectable()
export class PromotionLock {
  constructor(private readonly lock: ModelLock) {}

  async hold<T>(model: string, work: (session: LockedSession) => Promise<T>, waitMs = WAIT_MS): Promise<T> {
    try {
      return await this.lock.hold(model, waitMs, work);
    } catch (err) {
      if (err instanceof LockTimeoutError) {
        throw new PromotionError(PromotionErrorCode.PROMOTION_IN_PROGRESS, `Another change to ${model} is being applied; try again`);
      }
      throw err;
    }
  }
}
