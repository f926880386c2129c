import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Every Prometheus metric of modelgate, on a registry of its own (several apps can live in one
 * test process). Labels never carry unbounded values: no model version, no execution ARN.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'modelgate_http_requests_total',
    help: 'HTTP requests answered, by route template, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'modelgate_http_request_duration_seconds',
    help: 'HTTP request duration, by route template, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  readonly promotions = new Counter({
    name: 'modelgate_promotions_total',
    help: 'Promotion requests, by target stage and outcome',
    labelNames: ['stage', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly deployGateDecisions = new Counter({
    name: 'modelgate_deploy_gate_decisions_total',
    help: 'Deploy gate decisions, by env and outcome (allowed, denied, unavailable)',
    labelNames: ['env', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly mlflowDuration = new Histogram({
    name: 'modelgate_mlflow_request_duration_seconds',
    help: 'MLflow calls, by endpoint and outcome',
    labelNames: ['endpoint', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  readonly outboxPending = new Gauge({
    name: 'modelgate_outbox_pending',
    help: 'Outbox rows waiting to be delivered',
    registers: [this.registry],
  });

  readonly outboxOldestPendingSeconds = new Gauge({
    name: 'modelgate_outbox_oldest_pending_seconds',
    help: 'Age of the oldest undelivered outbox row',
    registers: [this.registry],
  });

  readonly notifications = new Counter({
    name: 'modelgate_notifications_total',
    help: 'Notification delivery attempts, by channel and outcome',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly pipelineEvents = new Counter({
    name: 'modelgate_pipeline_events_total',
    help: 'Step Functions events received, by status and whether they were duplicates',
    labelNames: ['status', 'duplicate'] as const,
    registers: [this.registry],
  });

  readonly registryDrift = new Counter({
    name: 'modelgate_registry_drift_total',
    help: 'Registry drifts (MLflow changed behind modelgate), by what happened: detected, adopted, reverted, resolved',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
