import { domainErrorClass } from '../common/errors/domain-error';

export enum SlackErrorCode {
  INVALID_SIGNATURE = 'INVALID_SIGNATURE',
  SLACK_IDENTITY_NOT_FOUND = 'SLACK_IDENTITY_NOT_FOUND',
  NOT_AN_APPROVER = 'NOT_AN_APPROVER',
}

const STATUS: Record<SlackErrorCode, number> = {
  INVALID_SIGNATURE: 401,
  SLACK_IDENTITY_NOT_FOUND: 404,
  NOT_AN_APPROVER: 422,
};

export class SlackError extends domainErrorClass(STATUS) {}
