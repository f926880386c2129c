import { domainErrorClass } from '../common/errors/domain-error';

export enum EventsErrorCode {
  INVALID_EVENT = 'INVALID_EVENT',
  PIPELINE_RUN_NOT_FOUND = 'PIPELINE_RUN_NOT_FOUND',
}

const STATUS: Record<EventsErrorCode, number> = {
  INVALID_EVENT: 400,
  PIPELINE_RUN_NOT_FOUND: 404,
};

export class EventsError extends domainErrorClass(STATUS) {}
