import { Injectable } from '@nestjs/common';
import { MlflowCallObserver, MlflowCallRecord } from './mlflow-call.observer';
import { Metrics } from '../metrics/metrics';

/** Times every MLflow call in `modelgate_mlflow_request_duration_seconds{endpoint,outcome}` (both bounded sets). */
@Injectable()
export class MlflowCallMetrics extends MlflowCallObserver {
  constructor(private readonly metrics: Metrics) {
    super();
  }

  record(call: MlflowCallRecord): void {
    this.metrics.mlflowDuration.observe({ endpoint: call.endpoint, outcome: call.outcome }, call.durationMs / 1000);
  }
}
