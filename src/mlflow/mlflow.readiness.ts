import { Injectable } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { MlflowClient } from './mlflow.client';
import { MlflowServer } from './mlflow-server';
import { MlflowError } from './mlflow.errors';

/**
 * MLflow's state for the health routes: `up` when its `GET /health` answers within the probe's
 * budget, with the version its `GET /version` gives when it gives one (kept by {@link MlflowServer}
 * for the settings that depend on it). Liveness never asks.
 */
@Injectable()
export class MlflowReadiness {
  constructor(
    private readonly mlflow: MlflowClient,
    private readonly server: MlflowServer,
  ) {}

  async check(timeoutMs: number, key = 'mlflow'): Promise<HealthIndicatorResult> {
    const [health, version] = await Promise.allSettled([this.mlflow.ping(timeoutMs), this.server.refresh(timeoutMs)]);
    const known = version.status === 'fulfilled' && version.value ? { version: version.value } : {};
    if (health.status === 'fulfilled') return { [key]: { status: 'up', ...known } };
    const err = health.reason as unknown;
    const reason = err instanceof MlflowError ? { message: err.message, reason: err.details.reason } : { message: 'MLflow check failed' };
    return { [key]: { status: 'down', ...reason, ...known } };
  }
}
