import type { FakeModelVersion, FakeRegisteredModel, FakeRegistry } from './fake-mlflow.registry';
import type { FakeExperiment, FakeMetric, FakeRun } from './fake-mlflow.tracking';

/** MLflow's JSON for the fake's objects: empty lists omitted, versions as strings, in MLflow's key order. */

type Json = Record<string, unknown>;

const keyValues = (map: Map<string, string>) => [...map].map(([key, value]) => ({ key, value }));
const nonEmpty = (key: string, list: unknown[]): Json => (list.length > 0 ? { [key]: list } : {});

/** `aliases` is sent only by get, get-by-alias, update and transition-stage. */
export function versionJson(v: FakeModelVersion, aliases?: string[]): Json {
  return {
    name: v.name,
    version: String(v.version),
    creation_timestamp: v.creationTimestamp,
    last_updated_timestamp: v.lastUpdatedTimestamp,
    current_stage: v.currentStage,
    description: v.description,
    source: v.source,
    ...(v.runId !== undefined ? { run_id: v.runId } : {}),
    status: v.status,
    ...nonEmpty('tags', keyValues(v.tags)),
    run_link: v.runLink,
    ...nonEmpty('aliases', aliases ?? []),
  };
}

export function modelJson(m: FakeRegisteredModel, registry: FakeRegistry): Json {
  return {
    name: m.name,
    creation_timestamp: m.creationTimestamp,
    last_updated_timestamp: m.lastUpdatedTimestamp,
    ...(m.description ? { description: m.description } : {}),
    ...nonEmpty('latest_versions', registry.latestVersions(m).map((v) => versionJson(v))),
    ...nonEmpty('tags', keyValues(m.tags)),
    ...nonEmpty('aliases', [...m.aliases].map(([alias, version]) => ({ alias, version: String(version) }))),
  };
}

export const metricJson = (m: FakeMetric): Json => ({ key: m.key, value: m.value, timestamp: m.timestamp, step: m.step });

export function runInfoJson(r: FakeRun): Json {
  return {
    run_uuid: r.runId,
    experiment_id: r.experimentId,
    run_name: r.runName,
    user_id: r.userId,
    status: r.status,
    start_time: r.startTime,
    ...(r.endTime !== undefined ? { end_time: r.endTime } : {}),
    artifact_uri: r.artifactUri,
    lifecycle_stage: r.lifecycleStage,
    run_id: r.runId,
  };
}

/**
 * 2.9.2: runs/create answers without `inputs`, every read carries `"inputs": {}`. 3.x: create has
 * `inputs` too, and reads add `"outputs": {}`.
 */
export function runJson(r: FakeRun, extra: { inputs: boolean; outputs: boolean } = { inputs: true, outputs: false }): Json {
  return {
    info: runInfoJson(r),
    data: {
      ...nonEmpty('metrics', [...r.metrics.values()].map(metricJson)),
      ...nonEmpty('params', keyValues(r.params)),
      ...nonEmpty('tags', keyValues(r.tags)),
    },
    ...(extra.inputs ? { inputs: {} } : {}),
    ...(extra.outputs ? { outputs: {} } : {}),
  };
}

export function experimentJson(e: FakeExperiment): Json {
  return {
    experiment_id: e.experimentId,
    name: e.name,
    artifact_location: e.artifactLocation,
    lifecycle_stage: e.lifecycleStage,
    last_update_time: e.lastUpdateTime,
    creation_time: e.creationTime,
    ...nonEmpty('tags', keyValues(e.tags)),
  };
}

/** A list answer: `{}` when there is nothing, and a token only when there is a next page. */
export function listJson(key: string, items: Json[], next?: string): Json {
  return { ...nonEmpty(key, items), ...(next ? { next_page_token: next } : {}) };
}
