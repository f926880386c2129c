import { Inject, Injectable } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { NO_SENDER_REASON } from './email/email.channel';

/**
 * Readiness of notifications: always up (a missing sender must not take the service out of the
 * load balancer), with a `warning` when e-mail cannot be sent.
 */
@Injectable()
export class NotificationsReadiness {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  warnings(): string[] {
    return this.config.notifyFrom ? [] : [`${NO_SENDER_REASON}; e-mail notifications end dead`];
  }

  check(key = 'notifications'): HealthIndicatorResult {
    const warnings = this.warnings();
    return { [key]: { status: 'up', ...(warnings.length ? { warning: warnings.join('; ') } : {}) } };
  }
}
