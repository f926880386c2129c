import { domainErrorClass } from '../common/errors/domain-error';

export enum DeployGateErrorCode {
  DEPLOY_DENIED = 'DEPLOY_DENIED',
  GATE_UNAVAILABLE = 'GATE_UNAVAILABLE',
  ENV_NOT_CONFIGURED = 'ENV_NOT_CONFIGURED',
}

const STATUS: Record<DeployGateErrorCode, number> = {
  DEPLOY_DENIED: 409,
  GATE_UNAVAILABLE: 503,
  ENV_NOT_CONFIGURED: 400,
};

export class DeployGateError extends domainErrorClass(STATUS) {}
