import { domainErrorClass } from '../common/errors/domain-error';

export enum ConsoleErrorCode {
  CONSOLE_NOT_BUILT = 'CONSOLE_NOT_BUILT',
}

const STATUS: Record<ConsoleErrorCode, number> = {
  CONSOLE_NOT_BUILT: 503,
};

export class ConsoleError extends domainErrorClass(STATUS) {}
