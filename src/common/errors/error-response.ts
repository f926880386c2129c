import { HttpException } from '@nestjs/common';
import { CommonErrorCode, DomainError } from './domain-error';

/** `{ status, code, message, details?, request_id }` (docs/api.md), plus whatever extra top-level fields the error carries. */
export interface ErrorBody {
  status: number;
  code: string;
  message: string;
  details?: unknown;
  request_id: string;
  [extra: string]: unknown;
}

export interface ErrorAnswer {
  body: ErrorBody;
  /** True when the error is ours to fix: log it with its stack. */
  unexpected: boolean;
}

const CODE_BY_STATUS: Record<number, CommonErrorCode> = {
  400: CommonErrorCode.VALIDATION_FAILED,
  401: CommonErrorCode.UNAUTHENTICATED,
  403: CommonErrorCode.FORBIDDEN,
  404: CommonErrorCode.NOT_FOUND,
  405: CommonErrorCode.METHOD_NOT_ALLOWED,
  409: CommonErrorCode.CONFLICT,
  413: CommonErrorCode.PAYLOAD_TOO_LARGE,
  415: CommonErrorCode.UNSUPPORTED_MEDIA_TYPE,
  429: CommonErrorCode.TOO_MANY_REQUESTS,
  503: CommonErrorCode.NOT_READY,
};

/** Framework errors (body limits, media type) reach the filter as bare HttpExceptions: say what they mean. */
const MESSAGE_BY_STATUS: Record<number, string> = {
  404: 'No such route',
  413: 'The request body is larger than this route accepts',
  415: 'Unsupported Content-Type; send application/json',
};

/** Turns anything thrown while serving a request into the one error shape. */
export function toErrorAnswer(err: unknown, requestId: string): ErrorAnswer {
  if (err instanceof DomainError) {
    return {
      body: {
        ...(err.extra ?? {}),
        status: err.httpStatus,
        code: err.code,
        message: err.message,
        ...(err.details === undefined ? {} : { details: err.details }),
        request_id: requestId,
      },
      unexpected: err.httpStatus >= 500 && err.code === CommonErrorCode.INTERNAL,
    };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const code = CODE_BY_STATUS[status] ?? (status >= 500 ? CommonErrorCode.INTERNAL : CommonErrorCode.VALIDATION_FAILED);
    const message = MESSAGE_BY_STATUS[status] ?? err.message;
    return { body: { status, code, message, request_id: requestId }, unexpected: status >= 500 };
  }
  return {
    body: { status: 500, code: CommonErrorCode.INTERNAL, message: 'Internal error; see the logs for this request_id', request_id: requestId },
    unexpected: true,
  };
}
