import { randomBytes } from 'node:crypto';
import { MlflowApiError, runNotFound } from './fake-mlflow.errors';
import { Clause, FieldReader, matches, paginate, parseFilter, parseOrderBy, sortBy } from './fake-mlflow.search';

/** Strictly increasing epoch milliseconds, so "a later change" always has a later timestamp. */
export class FakeClock {
  private last = 0;
  now(): number {
    this.last = Math.max(Date.now(), this.last + 1);
    return this.last;
  }
}

export interface FakeExperiment {
  experimentId: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: 'active' | 'deleted';
  creationTime: number;
  lastUpdateTime: number;
  tags: Map<string, string>;
}

export interface FakeMetric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface FakeRun {
  runId: string;
  experimentId: string;
  runName: string;
  userId: string;
  status: string;
  startTime: number;
  endTime?: number;
  artifactUri: string;
  lifecycleStage: 'active' | 'deleted';
  /** Latest value per key, in first-logged order. */
  metrics: Map<string, FakeMetric>;
  history: FakeMetric[];
  params: Map<string, string>;
  tags: Map<string, string>;
}

export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

const inView = (stage: string, view: ViewType | undefined) =>
  view === 'ALL' || (view === 'DELETED_ONLY' ? stage === 'deleted' : stage === 'active');

const readRun: FieldReader<FakeRun> = (run, type, key) => {
  if (type === 'metric') return run.metrics.get(key)?.value;
  if (type === 'param') return run.params.get(key);
  if (type === 'tag') return run.tags.get(key);
  const attributes: Record<string, string | number | undefined> = {
    run_id: run.runId,
    run_name: run.runName,
    status: run.status,
    user_id: run.userId,
    start_time: run.startTime,
    end_time: run.endTime,
    artifact_uri: run.artifactUri,
    lifecycle_stage: run.lifecycleStage,
  };
  if (!(key in attributes)) throw new MlflowApiError(400, 'INVALID_PARAMETER_VALUE', `Invalid attribute key '${key}' specified.`);
  return attributes[key];
};

const readExperiment: FieldReader<FakeExperiment> = (e, type, key) => {
  if (type === 'tag') return e.tags.get(key);
  const attributes: Record<string, string | number> = {
    name: e.name,
    experiment_id: e.experimentId,
    creation_time: e.creationTime,
    last_update_time: e.lastUpdateTime,
  };
  if (type !== 'attribute' || !(key in attributes)) throw new MlflowApiError(400, 'INVALID_PARAMETER_VALUE', `Invalid attribute key '${key}' specified.`);
  return attributes[key];
};

/** Experiments, runs, metrics, params and tags, as MLflow's tracking store keeps them. */
export class FakeTracking {
  readonly experiments = new Map<string, FakeExperiment>();
  readonly runs = new Map<string, FakeRun>();
  private nextExperimentId = 0;

  constructor(
    private readonly clock: FakeClock,
    readonly artifactRoot = '/mlflow/artifacts',
  ) {
    this.createExperiment('Default');
  }

  createExperiment(name: string, opts: { artifactLocation?: string; tags?: Record<string, string> } = {}): FakeExperiment {
    if ([...this.experiments.values()].some((e) => e.name === name)) {
      throw new MlflowApiError(400, 'RESOURCE_ALREADY_EXISTS', `Experiment '${name}' already exists.`);
    }
    const experimentId = String(this.nextExperimentId++);
    const now = this.clock.now();
    const experiment: FakeExperiment = {
      experimentId,
      name,
      artifactLocation: opts.artifactLocation ?? `${this.artifactRoot}/${experimentId}`,
      lifecycleStage: 'active',
      creationTime: now,
      lastUpdateTime: now,
      tags: new Map(Object.entries(opts.tags ?? {})),
    };
    this.experiments.set(experimentId, experiment);
    return experiment;
  }

  experimentByName(name: string): FakeExperiment {
    const found = [...this.experiments.values()].find((e) => e.name === name);
    if (!found) throw new MlflowApiError(404, 'RESOURCE_DOES_NOT_EXIST', `Could not find experiment with name '${name}'`);
    return found;
  }

  searchExperiments(q: { filter?: string; maxResults?: number; pageToken?: unknown; orderBy?: string[]; viewType?: ViewType }) {
    const clauses = parseFilter(q.filter);
    const hits = [...this.experiments.values()].filter((e) => inView(e.lifecycleStage, q.viewType) && matches(e, clauses, readExperiment));
    const order = [...parseOrderBy(q.orderBy), { type: 'attribute' as const, key: 'creation_time', desc: true }, { type: 'attribute' as const, key: 'experiment_id', desc: false }];
    return paginate(sortBy(hits, order, readExperiment), q.maxResults ?? 1000, q.pageToken);
  }

  createRun(opts: { experimentId?: string; runId?: string; runName?: string; userId?: string; startTime?: number; tags?: Record<string, string> } = {}): FakeRun {
    const experimentId = opts.experimentId ?? '0';
    if (!this.experiments.has(experimentId)) {
      throw new MlflowApiError(404, 'RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${experimentId} exists`);
    }
    const runId = opts.runId ?? randomBytes(16).toString('hex');
    const tags = new Map(Object.entries(opts.tags ?? {}));
    const runName = opts.runName ?? tags.get('mlflow.runName') ?? `run-${runId.slice(0, 6)}`;
    if (!tags.has('mlflow.runName')) tags.set('mlflow.runName', runName);
    const run: FakeRun = {
      runId,
      experimentId,
      runName,
      userId: opts.userId ?? '',
      status: 'RUNNING',
      startTime: opts.startTime ?? this.clock.now(),
      artifactUri: `${this.artifactRoot}/${experimentId}/${runId}/artifacts`,
      lifecycleStage: 'active',
      metrics: new Map(),
      history: [],
      params: new Map(),
      tags,
    };
    this.runs.set(runId, run);
    return run;
  }

  run(runId: string): FakeRun {
    const run = this.runs.get(runId);
    if (!run) throw runNotFound(runId);
    return run;
  }

  updateRun(runId: string, changes: { status?: string; endTime?: number; runName?: string }): FakeRun {
    const run = this.run(runId);
    if (changes.status) run.status = changes.status;
    if (changes.endTime !== undefined) run.endTime = changes.endTime;
    if (changes.runName) {
      run.runName = changes.runName;
      run.tags.set('mlflow.runName', changes.runName);
    }
    return run;
  }

  logBatch(runId: string, batch: { metrics?: FakeMetric[]; params?: { key: string; value: string }[]; tags?: { key: string; value: string }[] }): void {
    const run = this.run(runId);
    for (const p of batch.params ?? []) {
      const existing = run.params.get(p.key);
      if (existing !== undefined && existing !== p.value) {
        throw new MlflowApiError(400, 'INVALID_PARAMETER_VALUE', `Changing param values is not allowed. Param with key='${p.key}' was already logged with value='${existing}' for run ID='${runId}'. Attempted logging new value '${p.value}'.`);
      }
      run.params.set(p.key, p.value);
    }
    for (const m of batch.metrics ?? []) {
      const metric = { key: m.key, value: m.value, timestamp: m.timestamp, step: m.step ?? 0 };
      run.history.push(metric);
      const latest = run.metrics.get(m.key);
      if (!latest || metric.step > latest.step || (metric.step === latest.step && metric.timestamp >= latest.timestamp)) run.metrics.set(m.key, metric);
    }
    for (const t of batch.tags ?? []) run.tags.set(t.key, t.value);
  }

  searchRuns(q: { experimentIds: string[]; filter?: string; maxResults?: number; pageToken?: unknown; orderBy?: string[]; runViewType?: ViewType }) {
    const clauses: Clause[] = parseFilter(q.filter);
    const hits = [...this.runs.values()].filter(
      (r) => q.experimentIds.includes(r.experimentId) && inView(r.lifecycleStage, q.runViewType) && matches(r, clauses, readRun),
    );
    const order = [...parseOrderBy(q.orderBy), { type: 'attribute' as const, key: 'start_time', desc: true }, { type: 'attribute' as const, key: 'run_id', desc: false }];
    return paginate(sortBy(hits, order, readRun), q.maxResults ?? 1000, q.pageToken, true);
  }

  metricHistory(runId: string, key: string): FakeMetric[] {
    return this.run(runId).history.filter((m) => m.key === key);
  }
}
