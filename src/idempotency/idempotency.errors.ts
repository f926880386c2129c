import { domainErrorClass } from '../common/errors/domain-error';

export enum IdempotencyErrorCode {
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  IN_PROGRESS = 'IN_PROGRESS',
}

const STATUS: Record<IdempotencyErrorCode, number> = {
  IDEMPOTENCY_KEY_REUSED: 422,
  IN_PROGRESS: 409,
};

export class IdempotencyError extends domainErrorClass(STATUS) {}
