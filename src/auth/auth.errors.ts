import { domainErrorClass } from '../common/errors/domain-error';

export enum AuthErrorCode {
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  API_KEY_NAME_TAKEN = 'API_KEY_NAME_TAKEN',
  API_KEY_NOT_FOUND = 'API_KEY_NOT_FOUND',
  AUTH_UNAVAILABLE = 'AUTH_UNAVAILABLE',
}

const STATUS: Record<AuthErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  API_KEY_NAME_TAKEN: 409,
  API_KEY_NOT_FOUND: 404,
  AUTH_UNAVAILABLE: 503,
};

export class AuthError extends domainErrorClass(STATUS) {}
