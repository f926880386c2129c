import { DomainError } from '../common/errors/domain-error';

export enum IdempotencyErrorCode {
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  IN_PROGRESS = 'IN_PROGRESS',
}

const STATUS: Record<IdempotencyErrorCode, number> = {
  IDEMPOTENCY_KEY_REUSED: 422,
  IN_PROGRESS: 409,
};

export class IdempotencyError extends DomainError {
  readonly httpStatus: number;
  constructor(code: IdempotencyErrorCode, message: string) {
    super(code, message);
    this.httpStatus = STATUS[code];
  }
}

/** A stored first answer, replayed verbatim by the exception filter (the one place that writes answers outside handlers). */
export class ReplayedAnswer extends Error {
  constructor(
    readonly status: number,
    /** The first answer's JSON text, byte for byte. */
    readonly body: string,
  ) {
    super('idempotent replay');
  }
}
