import { DomainError } from '../common/errors/domain-error';

export enum PromotionErrorCode {
  INVALID_TRANSITION = 'INVALID_TRANSITION',
  POLICY_DENIED = 'POLICY_DENIED',
  PROMOTION_NOT_FOUND = 'PROMOTION_NOT_FOUND',
  PROMOTION_IN_PROGRESS = 'PROMOTION_IN_PROGRESS',
  ALREADY_PENDING = 'ALREADY_PENDING',
  SELF_APPROVAL = 'SELF_APPROVAL',
  ALREADY_DECIDED = 'ALREADY_DECIDED',
  NOT_PENDING = 'NOT_PENDING',
  STALE_PROMOTION = 'STALE_PROMOTION',
  NOT_REQUESTER = 'NOT_REQUESTER',
  NOTHING_TO_ROLL_BACK = 'NOTHING_TO_ROLL_BACK',
}

const STATUS: Record<PromotionErrorCode, number> = {
  INVALID_TRANSITION: 409,
  POLICY_DENIED: 422,
  PROMOTION_NOT_FOUND: 404,
  PROMOTION_IN_PROGRESS: 409,
  ALREADY_PENDING: 409,
  SELF_APPROVAL: 403,
  ALREADY_DECIDED: 409,
  NOT_PENDING: 409,
  STALE_PROMOTION: 409,
  NOT_REQUESTER: 403,
  NOTHING_TO_ROLL_BACK: 409,
};

export class PromotionError extends DomainError {
  readonly httpStatus: number;
  constructor(code: PromotionErrorCode, message: string, details?: unknown, extra?: Record<string, unknown>) {
    super(code, message, details, extra);
    this.httpStatus = STATUS[code];
  }
}

export const promotionNotFound = (id: string) => new PromotionError(PromotionErrorCode.PROMOTION_NOT_FOUND, `No promotion with id ${id}`);
