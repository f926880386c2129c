import { domainErrorClass } from '../../common/errors/domain-error';

export enum RegistryWebhookErrorCode {
  INVALID_SIGNATURE = 'INVALID_SIGNATURE',
  INVALID_WEBHOOK_PAYLOAD = 'INVALID_WEBHOOK_PAYLOAD',
}

const STATUS: Record<RegistryWebhookErrorCode, number> = {
  INVALID_SIGNATURE: 401,
  INVALID_WEBHOOK_PAYLOAD: 400,
};

export class RegistryWebhookError extends domainErrorClass(STATUS) {}
