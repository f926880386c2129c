import type { Stage } from '../common/stage';

/**
 * MLflow's registry and tracking objects as modelgate uses them: camelCase, versions as strings,
 * timestamps as Dates, and every list or map present (MLflow omits empty ones on the wire).
 */

export interface RegisteredModel {
  name: string;
  /** Undefined when the model was created without one (MLflow then sends no key at all). */
  description?: string;
  createdAt: Date;
  updatedAt: Date;
  tags: Record<string, string>;
  aliases: ModelAlias[];
  /** One entry per stage that has a version: the highest version number in that stage. */
  latestVersions: ModelVersion[];
}

export interface ModelAlias {
  alias: string;
  version: string;
}

export interface ModelVersion {
  name: string;
  version: string;
  stage: Stage;
  description: string;
  source: string;
  /** Null when the version was not registered from a run (MLflow sends "" or nothing). */
  runId: string | null;
  runLink: string;
  status: string;
  statusMessage?: string;
  createdAt: Date;
  updatedAt: Date;
  tags: Record<string, string>;
  /**
   * Only filled by the calls where MLflow sends them (get, get by alias, update, transition); model
   * version searches and latest-versions lists always carry none.
   */
  aliases: string[];
}

export interface Metric {
  key: string;
  value: number;
  timestamp: Date;
  step: number;
}

export interface Run {
  runId: string;
  runName: string;
  experimentId: string;
  userId: string;
  status: string;
  startTime?: Date;
  endTime?: Date;
  artifactUri: string;
  lifecycleStage: string;
  /** The latest value of each metric. */
  metrics: Metric[];
  params: Record<string, string>;
  tags: Record<string, string>;
}

export interface Experiment {
  experimentId: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: string;
  createdAt?: Date;
  updatedAt?: Date;
  tags: Record<string, string>;
}

/** One page of an MLflow search; `nextPageToken` is MLflow's own, passed through untouched. */
export interface MlflowPage<T> {
  items: T[];
  nextPageToken?: string;
}

export interface SearchQuery {
  filter?: string;
  maxResults?: number;
  pageToken?: string;
  orderBy?: string[];
}

export interface RunSearchQuery extends SearchQuery {
  experimentIds: string[];
  /** MLflow's run_view_type; MLflow's default is ACTIVE_ONLY. */
  runViewType?: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
}

export interface ExperimentSearchQuery extends SearchQuery {
  viewType?: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
}
