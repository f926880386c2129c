import { Injectable } from '@nestjs/common';
import { LockTimeoutError, LockedSession, Transactions } from '../database/transactions';
import { PromotionError, PromotionErrorCode } from './promotions.errors';

/** How long a promotion waits for another one of the same model before answering 409. */
const WAIT_MS = 15_000;

/** Serialises everything that changes a model's stages, across replicas: one session lock per model. */
@Injectable()
export class PromotionLock {
  constructor(private readonly transactions: Transactions) {}

  async hold<T>(model: string, work: (session: LockedSession) => Promise<T>, waitMs = WAIT_MS): Promise<T> {
    try {
      return await this.transactions.withSessionLock(`promotion:${model}`, waitMs, work);
    } catch (err) {
      if (err instanceof LockTimeoutError) {
        throw new PromotionError(PromotionErrorCode.PROMOTION_IN_PROGRESS, `Another change to ${model} is being applied; try again`);
      }
      throw err;
    }
  }
}
