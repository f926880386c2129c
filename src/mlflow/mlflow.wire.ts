import type { Experiment, Metric, ModelAlias, ModelVersion, RegisteredModel, Run } from './mlflow.types';
import { parseStage } from '../common/stage';

/** MLflow 2.9's REST JSON, as observed (see test/fixtures/mlflow/README.md). Empty lists are omitted. */
export interface WireKeyValue {
  key: string;
  value: string;
}

export interface WireModelVersion {
  name: string;
  version: string;
  creation_timestamp: number;
  last_updated_timestamp?: number;
  current_stage: string;
  description?: string;
  source?: string;
  run_id?: string;
  run_link?: string;
  status?: string;
  status_message?: string;
  tags?: WireKeyValue[];
  aliases?: string[];
}

export interface WireRegisteredModel {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp?: number;
  description?: string;
  latest_versions?: WireModelVersion[];
  tags?: WireKeyValue[];
  aliases?: { alias: string; version: string }[];
}

export interface WireMetric {
  key: string;
  value: number;
  timestamp: number;
  step?: number;
}

export interface WireRun {
  info: {
    run_id?: string;
    run_uuid?: string;
    run_name?: string;
    experiment_id: string;
    user_id?: string;
    status: string;
    start_time?: number;
    end_time?: number;
    artifact_uri?: string;
    lifecycle_stage?: string;
  };
  data?: { metrics?: WireMetric[]; params?: WireKeyValue[]; tags?: WireKeyValue[] };
}

export interface WireExperiment {
  experiment_id: string;
  name: string;
  artifact_location?: string;
  lifecycle_stage?: string;
  creation_time?: number;
  last_update_time?: number;
  tags?: WireKeyValue[];
}

/** MLflow answered 2xx with something that is not the documented shape. */
export class WireFormatError extends Error {
  constructor(what: string) {
    super(`MLflow's answer is not in the expected shape: ${what}`);
    this.name = 'WireFormatError';
  }
}

const toDate = (ms: number | undefined): Date | undefined => (typeof ms === 'number' ? new Date(ms) : undefined);

const toRecord = (pairs: WireKeyValue[] | undefined): Record<string, string> =>
  Object.fromEntries((pairs ?? []).map((p) => [p.key, p.value ?? '']));

export function toModelVersion(w: WireModelVersion): ModelVersion {
  if (!w || typeof w.name !== 'string' || w.version === undefined) throw new WireFormatError('model_version');
  const stage = parseStage(String(w.current_stage ?? ''));
  if (!stage) throw new WireFormatError(`unknown stage ${JSON.stringify(w.current_stage)}`);
  const createdAt = new Date(w.creation_timestamp);
  return {
    name: w.name,
    version: String(w.version),
    stage,
    description: w.description ?? '',
    source: w.source ?? '',
    runId: w.run_id || null,
    runLink: w.run_link ?? '',
    status: w.status ?? 'READY',
    ...(w.status_message ? { statusMessage: w.status_message } : {}),
    createdAt,
    updatedAt: toDate(w.last_updated_timestamp) ?? createdAt,
    tags: toRecord(w.tags),
    aliases: w.aliases ?? [],
  };
}

export function toRegisteredModel(w: WireRegisteredModel): RegisteredModel {
  if (!w || typeof w.name !== 'string') throw new WireFormatError('registered_model');
  const createdAt = new Date(w.creation_timestamp);
  const aliases: ModelAlias[] = (w.aliases ?? []).map((a) => ({ alias: a.alias, version: String(a.version) }));
  return {
    name: w.name,
    ...(w.description !== undefined ? { description: w.description } : {}),
    createdAt,
    updatedAt: toDate(w.last_updated_timestamp) ?? createdAt,
    tags: toRecord(w.tags),
    aliases,
    latestVersions: (w.latest_versions ?? []).map(toModelVersion),
  };
}

export function toMetric(w: WireMetric): Metric {
  return { key: w.key, value: Number(w.value), timestamp: new Date(w.timestamp), step: w.step ?? 0 };
}

export function toRun(w: WireRun): Run {
  const runId = w?.info?.run_id ?? w?.info?.run_uuid;
  if (!runId) throw new WireFormatError('run');
  return {
    runId,
    runName: w.info.run_name ?? '',
    experimentId: String(w.info.experiment_id),
    userId: w.info.user_id ?? '',
    status: w.info.status,
    ...(w.info.start_time !== undefined ? { startTime: new Date(w.info.start_time) } : {}),
    ...(w.info.end_time !== undefined ? { endTime: new Date(w.info.end_time) } : {}),
    artifactUri: w.info.artifact_uri ?? '',
    lifecycleStage: w.info.lifecycle_stage ?? 'active',
    metrics: (w.data?.metrics ?? []).map(toMetric),
    params: toRecord(w.data?.params),
    tags: toRecord(w.data?.tags),
  };
}

export function toExperiment(w: WireExperiment): Experiment {
  if (!w || w.experiment_id === undefined) throw new WireFormatError('experiment');
  return {
    experimentId: String(w.experiment_id),
    name: w.name,
    artifactLocation: w.artifact_location ?? '',
    lifecycleStage: w.lifecycle_stage ?? 'active',
    ...(w.creation_time !== undefined ? { createdAt: new Date(w.creation_time) } : {}),
    ...(w.last_update_time !== undefined ? { updatedAt: new Date(w.last_update_time) } : {}),
    tags: toRecord(w.tags),
  };
}

/**
 * A search filter matching one registered model by name. MLflow's filter grammar takes single or
 * double quotes and has no escape, so a name holding both cannot be expressed.
 */
export function nameFilter(name: string): string | undefined {
  if (!name.includes("'")) return `name='${name}'`;
  if (!name.includes('"')) return `name="${name}"`;
  return undefined;
}

const MODEL_MISSING = /^Registered Model with name=.* not found/;
const VERSION_MISSING = /^Model Version \(name=.*, version=.*\) not found/;
const ALIAS_MISSING = /^Registered model alias .* not found\.?$/;

/** What an MLflow "not found" message names (MLflow uses one message for a missing model and a missing version). */
export function missingThing(message: string): 'model' | 'version' | 'alias' | undefined {
  if (MODEL_MISSING.test(message)) return 'model';
  if (VERSION_MISSING.test(message)) return 'version';
  if (ALIAS_MISSING.test(message)) return 'alias';
  return undefined;
}
