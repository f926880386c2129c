/**
 * An error a use case raises. Each feature declares its codes in an enum and their HTTP status in a
 * `Record<Code, number>` beside it (so the mapping is exhaustive at compile time), and makes its
 * error class with {@link domainErrorClass}. The one exception filter turns it into the error shape
 * of docs/api.md.
 */
export abstract class DomainError extends Error {
  /** HTTP status from the feature's map. */
  abstract readonly httpStatus: number;

  constructor(
    readonly code: string,
    message: string,
    /** Goes to the response's `details`. */
    readonly details?: unknown,
    /** Extra top-level fields of the answer, e.g. the gate's `allowed` or a denied promotion's `verdict`. */
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * The base of a feature's errors, from its code → HTTP status map:
 * `export class PromotionError extends domainErrorClass(PROMOTION_ERROR_STATUS) {}`.
 */
export function domainErrorClass<Code extends string>(statusByCode: Readonly<Record<Code, number>>) {
  return class extends DomainError {
    declare readonly code: Code;
    readonly httpStatus: number;

    constructor(code: Code, message: string, details?: unknown, extra?: Record<string, unknown>) {
      super(code, message, details, extra);
      this.httpStatus = statusByCode[code];
    }
  };
}

/** Codes every feature may raise. */
export enum CommonErrorCode {
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  INVALID_JSON = 'INVALID_JSON',
  NOT_FOUND = 'NOT_FOUND',
  METHOD_NOT_ALLOWED = 'METHOD_NOT_ALLOWED',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  CONFLICT = 'CONFLICT',
  TOO_MANY_REQUESTS = 'TOO_MANY_REQUESTS',
  NOT_READY = 'NOT_READY',
  INTERNAL = 'INTERNAL',
}

export const COMMON_ERROR_STATUS: Record<CommonErrorCode, number> = {
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CONFLICT: 409,
  TOO_MANY_REQUESTS: 429,
  NOT_READY: 503,
  INTERNAL: 500,
};

export class CommonError extends domainErrorClass(COMMON_ERROR_STATUS) {}

/** A field-level validation problem, as listed in `details` of `VALIDATION_FAILED`. */
export interface FieldProblem {
  field: string;
  problems: string[];
}

export function validationFailed(problems: FieldProblem[], message = 'The request is not valid'): CommonError {
  return new CommonError(CommonErrorCode.VALIDATION_FAILED, message, problems);
}
