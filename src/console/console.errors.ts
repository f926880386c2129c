import { DomainError } from '../common/errors/domain-error';

export enum ConsoleErrorCode {
  CONSOLE_NOT_BUILT = 'CONSOLE_NOT_BUILT',
}

const STATUS: Record<ConsoleErrorCode, number> = {
  CONSOLE_NOT_BUILT: 503,
};

export class ConsoleError extends DomainError {
  readonly httpStatus: number;
  constructor(code: ConsoleErrorCode, message: string, details?: unknown) {
    super(code, message, details);
    this.httpStatus = STATUS[code];
  }
}
