import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import { performance } from 'node:perf_hooks';
import { translateFailure } from './mlflow-error.mapper';
import { MLFLOW_HTTP, MlflowHttp, attemptOf, withDeadline } from './mlflow-http.factory';
import { MlflowCallObserver, MlflowCallOutcome } from './mlflow-call.observer';
import { MlflowError, MlflowErrorCode, isMlflowError } from './mlflow.errors';
import type {
  Experiment,
  ExperimentSearchQuery,
  Metric,
  MlflowPage,
  ModelVersion,
  RegisteredModel,
  Run,
  RunSearchQuery,
  SearchQuery,
} from './mlflow.types';
import {
  WireExperiment,
  WireFormatError,
  WireMetric,
  WireModelVersion,
  WireRegisteredModel,
  WireRun,
  toExperiment,
  toMetric,
  toModelVersion,
  toRegisteredModel,
  toRun,
} from './mlflow.wire';
import type { Stage } from '../common/stage';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

interface Endpoint {
  method: Method;
  path: string;
  /** Writes are sent once: a retried transition could apply twice or hide that the first one did. */
  write: boolean;
  notFound: MlflowErrorCode;
}

const read = (method: Method, path: string, notFound = MlflowErrorCode.MODEL_NOT_FOUND): Endpoint => ({ method, path, write: false, notFound });
const write = (method: Method, path: string, notFound = MlflowErrorCode.MODEL_VERSION_NOT_FOUND): Endpoint => ({ method, path, write: true, notFound });

/** The REST 2.0 endpoints modelgate uses, with MLflow 2.9's HTTP method for each (several are GET-only). */
export const MLFLOW_ENDPOINTS = {
  getRegisteredModel: read('GET', 'registered-models/get'),
  searchRegisteredModels: read('GET', 'registered-models/search'),
  getLatestVersions: read('POST', 'registered-models/get-latest-versions'),
  getModelVersion: read('GET', 'model-versions/get', MlflowErrorCode.MODEL_VERSION_NOT_FOUND),
  searchModelVersions: read('GET', 'model-versions/search'),
  transitionStage: write('POST', 'model-versions/transition-stage'),
  updateModelVersion: write('PATCH', 'model-versions/update'),
  setModelVersionTag: write('POST', 'model-versions/set-tag'),
  setAlias: write('POST', 'registered-models/alias'),
  deleteAlias: write('DELETE', 'registered-models/alias', MlflowErrorCode.MODEL_NOT_FOUND),
  getVersionByAlias: read('GET', 'registered-models/alias', MlflowErrorCode.ALIAS_NOT_FOUND),
  getRun: read('GET', 'runs/get', MlflowErrorCode.RUN_NOT_FOUND),
  searchRuns: read('POST', 'runs/search', MlflowErrorCode.EXPERIMENT_NOT_FOUND),
  getExperimentByName: read('GET', 'experiments/get-by-name', MlflowErrorCode.EXPERIMENT_NOT_FOUND),
  searchExperiments: read('POST', 'experiments/search', MlflowErrorCode.EXPERIMENT_NOT_FOUND),
  getMetricHistory: read('GET', 'metrics/get-history', MlflowErrorCode.RUN_NOT_FOUND),
} as const;

export type MlflowEndpointName = keyof typeof MLFLOW_ENDPOINTS;

const API_PREFIX = 'api/2.0/mlflow/';
/** Metric histories are read whole; this bounds a runaway pager. */
const MAX_HISTORY_PAGES = 100;

const OUTCOME: Record<MlflowErrorCode, MlflowCallOutcome> = {
  MODEL_NOT_FOUND: 'not_found',
  MODEL_VERSION_NOT_FOUND: 'not_found',
  ALIAS_NOT_FOUND: 'not_found',
  RUN_NOT_FOUND: 'not_found',
  EXPERIMENT_NOT_FOUND: 'not_found',
  MLFLOW_REJECTED: 'rejected',
  MLFLOW_UNAVAILABLE: 'unavailable',
};

const pageOf = <W, T>(items: W[] | undefined, token: unknown, map: (w: W) => T): MlflowPage<T> => ({
  items: (items ?? []).map(map),
  ...(typeof token === 'string' && token !== '' ? { nextPageToken: token } : {}),
});

const searchParams = (q: SearchQuery) => ({
  filter: q.filter,
  max_results: q.maxResults,
  page_token: q.pageToken,
  order_by: q.orderBy,
});

/**
 * modelgate's one door to MLflow: typed calls, MLflow's errors as domain errors, retries for reads
 * only, and one time budget (MLFLOW_TIMEOUT_MS) per call, retries included.
 */
@Injectable()
export class MlflowClient implements OnModuleDestroy {
  private readonly logger = new Logger(MlflowClient.name);

  constructor(
    @Inject(MLFLOW_HTTP) private readonly http: MlflowHttp,
    private readonly observer: MlflowCallObserver,
  ) {}

  onModuleDestroy(): void {
    this.http.close();
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    return this.call('getRegisteredModel', { name }, (b: { registered_model: WireRegisteredModel }) => toRegisteredModel(b.registered_model));
  }

  async searchRegisteredModels(q: SearchQuery = {}): Promise<MlflowPage<RegisteredModel>> {
    return this.call('searchRegisteredModels', searchParams(q), (b: { registered_models?: WireRegisteredModel[]; next_page_token?: string }) =>
      pageOf(b.registered_models, b.next_page_token, toRegisteredModel),
    );
  }

  /** The highest version in each stage asked (every stage when none is given). */
  async getLatestVersions(name: string, stages?: Stage[]): Promise<ModelVersion[]> {
    return this.call('getLatestVersions', { name, ...(stages ? { stages } : {}) }, (b: { model_versions?: WireModelVersion[] }) =>
      (b.model_versions ?? []).map(toModelVersion),
    );
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    return this.onModel(name, () =>
      this.call('getModelVersion', { name, version }, (b: { model_version: WireModelVersion }) => toModelVersion(b.model_version)),
    );
  }

  async searchModelVersions(q: SearchQuery = {}): Promise<MlflowPage<ModelVersion>> {
    return this.call('searchModelVersions', searchParams(q), (b: { model_versions?: WireModelVersion[]; next_page_token?: string }) =>
      pageOf(b.model_versions, b.next_page_token, toModelVersion),
    );
  }

  /** A write: sent once, never retried; on MLFLOW_UNAVAILABLE with `may_have_applied`, re-read the version. */
  async transitionStage(name: string, version: string, stage: Stage, archiveExistingVersions: boolean): Promise<ModelVersion> {
    const body = { name, version, stage, archive_existing_versions: archiveExistingVersions };
    return this.onModel(name, () =>
      this.call('transitionStage', body, (b: { model_version: WireModelVersion }) => toModelVersion(b.model_version)),
    );
  }

  async updateModelVersion(name: string, version: string, description: string): Promise<ModelVersion> {
    return this.onModel(name, () =>
      this.call('updateModelVersion', { name, version, description }, (b: { model_version: WireModelVersion }) => toModelVersion(b.model_version)),
    );
  }

  async setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    await this.onModel(name, () => this.call('setModelVersionTag', { name, version, key, value }, () => undefined));
  }

  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.onModel(name, () => this.call('setAlias', { name, alias, version }, () => undefined));
  }

  /** Deleting an alias that does not exist succeeds, as in MLflow. */
  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.call('deleteAlias', { name, alias }, () => undefined);
  }

  async getVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return this.onModel(name, () =>
      this.call('getVersionByAlias', { name, alias }, (b: { model_version: WireModelVersion }) => toModelVersion(b.model_version)),
    );
  }

  async getRun(runId: string): Promise<Run> {
    return this.call('getRun', { run_id: runId }, (b: { run: WireRun }) => toRun(b.run));
  }

  async searchRuns(q: RunSearchQuery): Promise<MlflowPage<Run>> {
    const body = { experiment_ids: q.experimentIds, run_view_type: q.runViewType, ...searchParams(q) };
    return this.call('searchRuns', body, (b: { runs?: WireRun[]; next_page_token?: string }) => pageOf(b.runs, b.next_page_token, toRun));
  }

  async getExperimentByName(name: string): Promise<Experiment> {
    return this.call('getExperimentByName', { experiment_name: name }, (b: { experiment: WireExperiment }) => toExperiment(b.experiment));
  }

  async searchExperiments(q: ExperimentSearchQuery = {}): Promise<MlflowPage<Experiment>> {
    const body = { view_type: q.viewType, ...searchParams(q) };
    return this.call('searchExperiments', body, (b: { experiments?: WireExperiment[]; next_page_token?: string }) =>
      pageOf(b.experiments, b.next_page_token, toExperiment),
    );
  }

  /** Every recorded value of one metric of a run, across MLflow's pages. */
  async getMetricHistory(runId: string, metricKey: string): Promise<Metric[]> {
    const all: Metric[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
      const query = { run_id: runId, metric_key: metricKey, page_token: pageToken };
      const result = await this.call('getMetricHistory', query, (b: { metrics?: WireMetric[]; next_page_token?: string }) =>
        pageOf(b.metrics, b.next_page_token, toMetric),
      );
      all.push(...result.items);
      pageToken = result.nextPageToken;
      if (!pageToken) break;
    }
    return all;
  }

  /** MLflow's `GET /health`, for readiness: one attempt, no retry, within the tighter of both budgets. */
  async ping(budgetMs = this.http.timeoutMs): Promise<void> {
    await this.probe('health', budgetMs);
  }

  /** MLflow's `GET /version` (plain text, e.g. `2.9.2`); undefined when what answers is not a version. */
  async serverVersion(budgetMs = this.http.timeoutMs): Promise<string | undefined> {
    const text = (await this.probe('version', budgetMs)).trim();
    return /^\d+\.\d+[0-9A-Za-z.+-]*$/.test(text) && text.length <= 40 ? text : undefined;
  }

  /** A plain-text route of the server root: one attempt, no retry. */
  private async probe(path: 'health' | 'version', budgetMs: number): Promise<string> {
    const timeoutMs = Math.min(budgetMs, this.http.timeoutMs);
    const started = performance.now();
    const ctx = { endpoint: path, notFound: MlflowErrorCode.MLFLOW_UNAVAILABLE, write: false, timeoutMs, subject: {} };
    try {
      const res = await withDeadline(timeoutMs, (signal) =>
        this.http.axios.get<string>(path, { timeout: timeoutMs, signal, responseType: 'text', 'axios-retry': { retries: 0 } }),
      );
      this.observe(path, 'ok', started, 1, 200);
      return typeof res.data === 'string' ? res.data : '';
    } catch (err) {
      const error = translateFailure({ ...ctx, attempts: 1 }, err);
      this.observe(path, 'unavailable', started, 1, error.details.mlflow_status);
      throw new MlflowError(MlflowErrorCode.MLFLOW_UNAVAILABLE, error.message, error.details);
    }
  }

  /**
   * MLflow answers "Model Version (name=…, version=…) not found" whether the model or only the
   * version is missing (and the same 400 for a missing alias): ask for the model to say which.
   */
  private async onModel<T>(name: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isMlflowError(err, MlflowErrorCode.MODEL_VERSION_NOT_FOUND) || isMlflowError(err, MlflowErrorCode.ALIAS_NOT_FOUND)) {
        await this.getRegisteredModel(name).catch((check: unknown) => {
          if (isMlflowError(check, MlflowErrorCode.MODEL_NOT_FOUND)) throw check;
        });
      }
      throw err;
    }
  }

  private async call<B, T>(name: MlflowEndpointName, payload: Record<string, unknown>, map: (body: B) => T): Promise<T> {
    const endpoint = MLFLOW_ENDPOINTS[name];
    const started = performance.now();
    let response: AxiosResponse | undefined;
    try {
      const res = await withDeadline(this.http.timeoutMs, (signal) =>
        this.http.axios.request({
          method: endpoint.method,
          url: API_PREFIX + endpoint.path,
          ...(endpoint.method === 'GET' ? { params: payload } : { data: payload }),
          signal,
          ...(endpoint.write ? { 'axios-retry': { retries: 0 } } : {}),
        }),
      );
      response = res;
      const body: unknown = res.data;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new WireFormatError(`HTTP ${res.status} without a JSON object`);
      const result = map(body as B);
      this.observe(name, 'ok', started, attemptOf(res.config), res.status);
      return result;
    } catch (err) {
      const attempts = attemptOf(response?.config ?? (err as { config?: AxiosRequestConfig }).config);
      const ctx = { endpoint: name, notFound: endpoint.notFound, write: endpoint.write, timeoutMs: this.http.timeoutMs, attempts, subject: payload };
      const error = translateFailure(ctx, err);
      this.observe(name, OUTCOME[error.code], started, attempts, error.details.mlflow_status ?? response?.status);
      if (error.code === MlflowErrorCode.MLFLOW_UNAVAILABLE) {
        this.logger.warn({ endpoint: name, reason: error.details.reason, mlflow_status: error.details.mlflow_status, attempts }, 'MLflow call failed');
      }
      throw error;
    }
  }

  private observe(endpoint: string, outcome: MlflowCallOutcome, started: number, attempts: number, status?: number): void {
    try {
      this.observer.record({ endpoint, outcome, durationMs: performance.now() - started, attempts, ...(status ? { status } : {}) });
    } catch (err) {
      this.logger.warn({ err, endpoint }, 'MLflow call observer failed');
    }
  }
}
