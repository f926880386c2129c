import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { Metrics } from '../../metrics/metrics';

/** Step Functions calls and reconciler rounds, on the app's registry (labels stay bounded). */
@Injectable()
export class SfnMetrics {
  readonly requests: Counter<'endpoint' | 'outcome'>;
  readonly reconcileRounds: Counter<'outcome'>;
  readonly reconciledExecutions: Counter<'status'>;

  constructor(metrics: Metrics) {
    this.requests = new Counter({
      name: 'modelgate_sfn_requests_total',
      help: 'Step Functions API calls, by operation (endpoint) and outcome (ok, throttled, not_found, timeout, error)',
      labelNames: ['endpoint', 'outcome'] as const,
      registers: [metrics.registry],
    });
    this.reconcileRounds = new Counter({
      name: 'modelgate_sfn_reconcile_rounds_total',
      help: 'Reconciler rounds over the state machines, by outcome (ok, partial, skipped)',
      labelNames: ['outcome'] as const,
      registers: [metrics.registry],
    });
    this.reconciledExecutions = new Counter({
      name: 'modelgate_sfn_reconciled_executions_total',
      help: 'Terminal executions the reconciler found that no event had brought, by status',
      labelNames: ['status'] as const,
      registers: [metrics.registry],
    });
  }
}
