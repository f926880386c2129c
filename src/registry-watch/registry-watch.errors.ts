import { domainErrorClass } from '../common/errors/domain-error';

export enum RegistryWatchErrorCode {
  NOTHING_TO_ADOPT = 'NOTHING_TO_ADOPT',
  CHANGE_IN_PROGRESS = 'CHANGE_IN_PROGRESS',
}

const STATUS: Record<RegistryWatchErrorCode, number> = {
  NOTHING_TO_ADOPT: 409,
  CHANGE_IN_PROGRESS: 409,
};

export class RegistryWatchError extends domainErrorClass(STATUS) {}
