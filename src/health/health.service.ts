import { Injectable } from '@nestjs/common';
import { HealthCheckError, HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { CommonError, CommonErrorCode } from '../common/errors/domain-error';
import { NotificationsReadiness } from '../notifications/notifications.readiness';
import { MlflowReadiness } from '../mlflow/mlflow.readiness';

const CHECK_TIMEOUT_MS = 2000;

@Injectable()
export class HealthService {
  constructor(
    private readonly checks: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly notifications: NotificationsReadiness,
    private readonly mlflow: MlflowReadiness,
  ) {}

  /** Readiness: every dependency answers. Throws NOT_READY (503) naming the ones that did not. */
  async readiness(): Promise<HealthCheckResult> {
    try {
      return await this.checks.check([
        () => this.db.pingCheck('postgres', { timeout: CHECK_TIMEOUT_MS }),
        // Always up; carries a `warning` when e-mail cannot be sent (no NOTIFY_FROM).
        () => this.notifications.check(),
        () => this.mlflow.check(CHECK_TIMEOUT_MS),
      ]);
    } catch (err) {
      const result = (err as { response?: HealthCheckResult }).response;
      if (!result || err instanceof HealthCheckError) throw err;
      const failing = Object.keys(result.error ?? {});
      throw new CommonError(CommonErrorCode.NOT_READY, `Not ready: ${failing.join(', ')} not reachable`, result.details);
    }
  }
}
