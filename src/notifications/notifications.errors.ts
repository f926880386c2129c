import { domainErrorClass } from '../common/errors/domain-error';

export enum NotificationsErrorCode {
  NOTIFICATION_NOT_FOUND = 'NOTIFICATION_NOT_FOUND',
  NOTIFICATION_NOT_DEAD = 'NOTIFICATION_NOT_DEAD',
}

const STATUS: Record<NotificationsErrorCode, number> = {
  NOTIFICATION_NOT_FOUND: 404,
  NOTIFICATION_NOT_DEAD: 409,
};

export class NotificationsError extends domainErrorClass(STATUS) {}
