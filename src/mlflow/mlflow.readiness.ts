import { Injectable } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { MlflowClient } from './mlflow.client';
import { MlflowError } from './mlflow.errors';

/** Readiness of MLflow: its `GET /health` answers within the probe's budget. Liveness never asks. */
@Injectable()
export class MlflowReadiness {
  constructor(private readonly mlflow: MlflowClient) {}

  async check(timeoutMs: number, key = 'mlflow'): Promise<HealthIndicatorResult> {
    try {
      await this.mlflow.ping(timeoutMs);
      return { [key]: { status: 'up' } };
    } catch (err) {
      const reason = err instanceof MlflowError ? { message: err.message, reason: err.details.reason } : { message: 'MLflow check failed' };
      return { [key]: { status: 'down', ...reason } };
    }
  }
}
