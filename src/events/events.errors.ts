import { DomainError } from '../common/errors/domain-error';

export enum EventsErrorCode {
  INVALID_EVENT = 'INVALID_EVENT',
  PIPELINE_RUN_NOT_FOUND = 'PIPELINE_RUN_NOT_FOUND',
}

const STATUS: Record<EventsErrorCode, number> = {
  INVALID_EVENT: 400,
  PIPELINE_RUN_NOT_FOUND: 404,
};

export class EventsError extends DomainError {
  readonly httpStatus: number;
  constructor(code: EventsErrorCode, message: string, details?: unknown) {
    super(code, message, details);
    this.httpStatus = STATUS[code];
  }
}
