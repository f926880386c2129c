import { Injectable } from '@nestjs/common';
import { HealthCheckError, HealthCheckResult, HealthCheckService, HealthIndicatorFunction, HealthIndicatorResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { CommonError, CommonErrorCode } from '../common/errors/domain-error';
import { MigrationsReadiness } from '../database/migrations.readiness';
import { MlflowReadiness } from '../mlflow/mlflow.readiness';
import { NotificationsReadiness } from '../notifications/notifications.readiness';

const CHECK_TIMEOUT_MS = 2000;
/** Readiness only reports MLflow: it must not make load balancer probes (often 1 s) time out. */
const REPORTED_MLFLOW_TIMEOUT_MS = 500;

@Injectable()
export class HealthService {
  constructor(
    private readonly checks: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly migrations: MigrationsReadiness,
    private readonly notifications: NotificationsReadiness,
    private readonly mlflow: MlflowReadiness,
  ) {}

  /**
   * Readiness: PostgreSQL answers and every migration is applied. MLflow's state is reported in
   * `details` but never decides: an MLflow outage must not take replicas out of the load balancer
   * (the gate fails closed on its own). Throws NOT_READY (503) naming what is down.
   */
  async readiness(): Promise<HealthCheckResult> {
    const mlflow = this.mlflow.check(REPORTED_MLFLOW_TIMEOUT_MS);
    return this.run(
      [
        () => this.db.pingCheck('postgres', { timeout: CHECK_TIMEOUT_MS }),
        () => this.migrations.check(CHECK_TIMEOUT_MS),
        // Always up; carries a `warning` when e-mail cannot be sent (no NOTIFY_FROM).
        () => this.notifications.check(),
      ],
      mlflow,
    );
  }

  /** MLflow alone, for those who alert on it: NOT_READY (503) while its `GET /health` does not answer. */
  mlflowHealth(): Promise<HealthCheckResult> {
    return this.run([() => this.mlflow.check(CHECK_TIMEOUT_MS)]);
  }

  /** Runs the deciding `checks`; `reported` joins `details` only. */
  private async run(checks: HealthIndicatorFunction[], reported?: Promise<HealthIndicatorResult>): Promise<HealthCheckResult> {
    try {
      const result = await this.checks.check(checks);
      return { ...result, details: { ...result.details, ...(await reported) } };
    } catch (err) {
      const result = (err as { response?: HealthCheckResult }).response;
      if (!result || err instanceof HealthCheckError) throw err;
      const failing = Object.keys(result.error ?? {});
      throw new CommonError(CommonErrorCode.NOT_READY, `Not ready: ${failing.join(', ')} down`, { ...result.details, ...(await reported) });
    }
  }
}
