import { STAGES, Stage, parseStage } from '../../../src/common/stage';
import { MlflowApiError, modelNotFound, versionNotFound } from './fake-mlflow.errors';
import { FieldReader, matches, paginate, parseFilter, parseOrderBy, sortBy } from './fake-mlflow.search';
import { FakeClock } from './fake-mlflow.tracking';

export interface FakeModelVersion {
  name: string;
  version: number;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  currentStage: Stage;
  description: string;
  source: string;
  runId?: string;
  runLink: string;
  status: string;
  tags: Map<string, string>;
}

export interface FakeRegisteredModel {
  name: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  description: string;
  tags: Map<string, string>;
  /** alias → version number */
  aliases: Map<string, number>;
  versions: Map<number, FakeModelVersion>;
}

const invalid = (message: string) => new MlflowApiError(400, 'INVALID_PARAMETER_VALUE', message);

/** Python's int(): surrounding spaces, a sign and leading zeros are fine; anything else is not. */
export function parseVersion(raw: unknown): number {
  const text = raw === undefined || raw === null ? '' : String(raw);
  if (!/^\s*[+-]?\d+\s*$/.test(text)) throw invalid(`Model version must be an integer, got '${text}'`);
  return Number(text);
}

export function canonicalStage(raw: unknown): Stage {
  const stage = typeof raw === 'string' ? parseStage(raw) : undefined;
  if (!stage) throw invalid(`Invalid Model Version stage: ${String(raw)}. Value must be one of None, Staging, Production, Archived.`);
  return stage;
}

const ACTIVE_STAGES = ['Staging', 'Production'];

const readModel: FieldReader<FakeRegisteredModel> = (m, type, key) => {
  if (type === 'tag') return m.tags.get(key);
  const attributes: Record<string, string | number> = { name: m.name, creation_timestamp: m.creationTimestamp, last_updated_timestamp: m.lastUpdatedTimestamp, timestamp: m.lastUpdatedTimestamp };
  if (type !== 'attribute' || !(key in attributes)) throw invalid(`Invalid attribute key '${key}' specified. Valid keys are '{'name'}'`);
  return attributes[key];
};

const readVersion: FieldReader<FakeModelVersion> = (v, type, key) => {
  if (type === 'tag') return v.tags.get(key);
  const attributes: Record<string, string | number | undefined> = {
    name: v.name,
    run_id: v.runId,
    source_path: v.source,
    version_number: v.version,
    creation_timestamp: v.creationTimestamp,
    last_updated_timestamp: v.lastUpdatedTimestamp,
    timestamp: v.creationTimestamp,
  };
  if (type !== 'attribute' || !(key in attributes)) {
    throw invalid(`Invalid attribute key '${key}' specified. Valid keys are '{'name', 'run_id', 'source_path', 'version_number'}'`);
  }
  return attributes[key];
};

/** Registered models, their versions, tags and aliases, as MLflow 2.9's SQL registry keeps them. */
export class FakeRegistry {
  readonly models = new Map<string, FakeRegisteredModel>();

  constructor(private readonly clock: FakeClock) {}

  createModel(name: string, opts: { description?: string; tags?: Record<string, string> } = {}): FakeRegisteredModel {
    if (!name) throw invalid("Missing value for required parameter 'name'. See the API docs for more information about request parameters.");
    if (this.models.has(name)) throw new MlflowApiError(400, 'RESOURCE_ALREADY_EXISTS', `Registered Model (name=${name}) already exists.`);
    const now = this.clock.now();
    const model: FakeRegisteredModel = {
      name,
      creationTimestamp: now,
      lastUpdatedTimestamp: now,
      description: opts.description ?? '',
      tags: new Map(Object.entries(opts.tags ?? {})),
      aliases: new Map(),
      versions: new Map(),
    };
    this.models.set(name, model);
    return model;
  }

  model(name: string): FakeRegisteredModel {
    const model = this.models.get(name);
    if (!model) throw modelNotFound(name);
    return model;
  }

  searchModels(q: { filter?: string; maxResults?: number; pageToken?: unknown; orderBy?: string[] }) {
    if ((q.maxResults ?? 100) > 1000) throw invalid(`Invalid value for request parameter max_results. It must be at most 1000, but got value ${q.maxResults}`);
    const clauses = parseFilter(q.filter);
    const hits = [...this.models.values()].filter((m) => matches(m, clauses, readModel));
    const order = [...parseOrderBy(q.orderBy), { type: 'attribute' as const, key: 'name', desc: false }];
    return paginate(sortBy(hits, order, readModel), q.maxResults ?? 100, q.pageToken);
  }

  /** Per stage asked (all four by default), the highest version number in it; ascending by version. */
  latestVersions(model: FakeRegisteredModel, stages?: unknown[]): FakeModelVersion[] {
    const wanted = new Set(stages && stages.length > 0 ? stages.map(canonicalStage) : STAGES);
    const latest = new Map<Stage, FakeModelVersion>();
    for (const v of model.versions.values()) {
      const current = latest.get(v.currentStage);
      if (wanted.has(v.currentStage) && (!current || current.version < v.version)) latest.set(v.currentStage, v);
    }
    return [...latest.values()].sort((a, b) => a.version - b.version);
  }

  createVersion(name: string, opts: { source: string; runId?: string; description?: string; tags?: Record<string, string>; runLink?: string }): FakeModelVersion {
    const model = this.model(name);
    const now = this.clock.now();
    const version: FakeModelVersion = {
      name,
      version: Math.max(0, ...model.versions.keys()) + 1,
      creationTimestamp: now,
      lastUpdatedTimestamp: now,
      currentStage: 'None',
      description: opts.description ?? '',
      source: opts.source,
      ...(opts.runId ? { runId: opts.runId } : {}),
      runLink: opts.runLink ?? '',
      status: 'READY',
      tags: new Map(Object.entries(opts.tags ?? {})),
    };
    model.versions.set(version.version, version);
    model.lastUpdatedTimestamp = now;
    return version;
  }

  version(name: string, rawVersion: unknown): FakeModelVersion {
    if (!name) throw invalid("Missing value for required parameter 'name'. See the API docs for more information about request parameters.");
    const number = parseVersion(rawVersion);
    const found = this.models.get(name)?.versions.get(number);
    if (!found) throw versionNotFound(name, number);
    return found;
  }

  searchVersions(q: { filter?: string; maxResults?: number; pageToken?: unknown; orderBy?: string[] }) {
    if ((q.maxResults ?? 0) > 200000) throw invalid(`Invalid value for request parameter max_results. It must be at most 200000, but got value ${q.maxResults}`);
    const clauses = parseFilter(q.filter);
    const all = [...this.models.values()].flatMap((m) => [...m.versions.values()]);
    const hits = all.filter((v) => matches(v, clauses, readVersion));
    const order = [
      ...parseOrderBy(q.orderBy),
      { type: 'attribute' as const, key: 'last_updated_timestamp', desc: true },
      { type: 'attribute' as const, key: 'name', desc: false },
      { type: 'attribute' as const, key: 'version_number', desc: true },
    ];
    return paginate(sortBy(hits, order, readVersion), q.maxResults ?? 10000, q.pageToken);
  }

  /**
   * MLflow enforces no order between stages. With archiveExisting, the other versions in the same
   * target stage are archived, with the very timestamp of the transition.
   */
  transition(name: string, rawVersion: unknown, rawStage: unknown, archiveExisting: boolean): FakeModelVersion {
    const stage = canonicalStage(rawStage);
    if (archiveExisting && !ACTIVE_STAGES.includes(stage)) {
      throw new MlflowApiError(
        500,
        'INTERNAL_ERROR',
        `Model version transition cannot archive existing model versions because '${String(rawStage)}' is not an Active stage. Valid stages are ['Staging', 'Production']`,
      );
    }
    const target = this.version(name, rawVersion);
    const now = this.clock.now();
    const model = this.model(name);
    if (archiveExisting) {
      for (const other of model.versions.values()) {
        if (other !== target && other.currentStage === stage) {
          other.currentStage = 'Archived';
          other.lastUpdatedTimestamp = now;
        }
      }
    }
    target.currentStage = stage;
    target.lastUpdatedTimestamp = now;
    model.lastUpdatedTimestamp = now;
    return target;
  }

  updateVersion(name: string, rawVersion: unknown, description: string | undefined): FakeModelVersion {
    const v = this.version(name, rawVersion);
    if (description !== undefined) v.description = description;
    v.lastUpdatedTimestamp = this.clock.now();
    return v;
  }

  setVersionTag(name: string, rawVersion: unknown, key: string, value: string): void {
    this.version(name, rawVersion).tags.set(key, value);
  }

  /** Deleting a tag the version does not have changes nothing and is no error. */
  deleteVersionTag(name: string, rawVersion: unknown, key: string): void {
    this.version(name, rawVersion).tags.delete(key);
  }

  setAlias(name: string, alias: string, rawVersion: unknown): void {
    validateAlias(alias);
    const v = this.version(name, rawVersion);
    this.model(name).aliases.set(alias, v.version);
  }

  deleteAlias(name: string, alias: string): void {
    validateAlias(alias);
    this.model(name).aliases.delete(alias);
  }

  versionByAlias(name: string, alias: string): FakeModelVersion {
    const number = this.models.get(name)?.aliases.get(alias);
    if (number === undefined) throw invalid(`Registered model alias ${alias} not found.`);
    return this.version(name, number);
  }

  aliasesOf(v: FakeModelVersion): string[] {
    const model = this.models.get(v.name);
    return model ? [...model.aliases].filter(([, n]) => n === v.version).map(([alias]) => alias) : [];
  }
}

function validateAlias(alias: string): void {
  if (!alias) throw invalid('Registered model alias name cannot be empty.');
  if (alias.toLowerCase() === 'latest') throw invalid("'latest' alias name (case insensitive) is reserved.");
  if (/^v\d+$/i.test(alias)) throw invalid(`Version alias name '${alias}' is reserved.`);
}
