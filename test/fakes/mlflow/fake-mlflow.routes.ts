import { MISSING, MlflowApiError } from './fake-mlflow.errors';
import { experimentJson, listJson, metricJson, modelJson, runInfoJson, runJson, versionJson } from './fake-mlflow.json';
import type { MlflowPersonality } from './fake-mlflow.personality';
import type { FakeRegistry } from './fake-mlflow.registry';
import type { FakeMetric, FakeRun, FakeTracking, ViewType } from './fake-mlflow.tracking';
import type { FakeWebhooks } from './fake-mlflow.webhooks';

export interface FakeState {
  tracking: FakeTracking;
  registry: FakeRegistry;
  /** Which MLflow release the answers follow. */
  personality: MlflowPersonality;
  /** Registered webhooks (3.3+): every registry write below announces itself there. */
  webhooks: FakeWebhooks;
}

export type Params = Record<string, unknown>;
type Json = Record<string, unknown>;
type Rule = 'required' | 'string' | 'bool' | 'int' | 'list';
type Schema = [string, ...Rule[]][];

export interface Route {
  /** Checked only for JSON bodies: MLflow skips it for a GET with a query string. */
  schema: Schema;
  handle(p: Params, s: FakeState): Json | Promise<Json>;
}

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

const pyType = (v: unknown) =>
  typeof v === 'string' ? 'str' : typeof v === 'boolean' ? 'bool' : typeof v === 'number' ? (Number.isInteger(v) ? 'int' : 'float') : v === null ? 'NoneType' : Array.isArray(v) ? 'list' : 'dict';
const pyStr = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'boolean' ? (v ? 'True' : 'False') : typeof v === 'number' ? String(v) : JSON.stringify(v));

const invalidValue = (key: string, v: unknown) =>
  new MlflowApiError(
    400,
    'INVALID_PARAMETER_VALUE',
    `Invalid value ${pyStr(v)} for parameter '${key}' supplied. Hint: Value was of type '${pyType(v)}'. See the API docs for more information about request parameters.`,
  );

/** MLflow's `_validate_param_against_schema`, in schema order: presence first, then type. */
export function validate(schema: Schema, body: Params): void {
  for (const [key, ...rules] of schema) {
    const value = key === 'run_id' && body.run_id === undefined ? body.run_uuid : body[key];
    if (value === undefined && !rules.includes('required')) continue;
    for (const rule of rules) {
      if (rule === 'required') {
        if (value === undefined || value === null || value === '') throw MISSING(key);
        continue;
      }
      if (value === undefined || value === null) continue;
      const ok =
        rule === 'string' ? typeof value === 'string' : rule === 'bool' ? typeof value === 'boolean' : rule === 'int' ? Number.isInteger(value) : Array.isArray(value);
      if (!ok) throw invalidValue(key, value);
    }
  }
}

const str = (p: Params, key: string): string | undefined => (p[key] === undefined || p[key] === null ? undefined : String(p[key]));
const required = (p: Params, key: string): string => {
  const value = str(p, key);
  if (!value) throw MISSING(key);
  return value;
};
const list = (p: Params, key: string): unknown[] => (p[key] === undefined ? [] : Array.isArray(p[key]) ? (p[key] as unknown[]) : [p[key]]);
const int = (p: Params, key: string): number | undefined => {
  if (p[key] === undefined || p[key] === '') return undefined;
  const n = Number(p[key]);
  if (!Number.isInteger(n)) throw invalidValue(key, p[key]);
  return n;
};
const keyValues = (p: Params, key: string) =>
  list(p, key).map((kv) => ({ key: String((kv as Json).key), value: String((kv as Json).value ?? '') }));
const record = (p: Params, key: string) => Object.fromEntries(keyValues(p, key).map((kv) => [kv.key, kv.value]));
const search = (p: Params) => ({ filter: str(p, 'filter'), maxResults: int(p, 'max_results'), pageToken: p.page_token, orderBy: list(p, 'order_by').map(String) });

const NAME: [string, ...Rule[]] = ['name', 'required', 'string'];
const VERSION: [string, ...Rule[]] = ['version', 'required', 'string'];
const SEARCH: Schema = [['filter', 'string'], ['max_results', 'int'], ['order_by', 'list'], ['page_token', 'string']];

const getLatest: Route = {
  schema: [NAME, ['stages', 'list']],
  handle: (p, s) => {
    const latest = s.registry.latestVersions(s.registry.model(required(p, 'name')), list(p, 'stages'));
    return listJson('model_versions', latest.map((v) => versionJson(v, s.personality.latestVersionsCarryAliases ? s.registry.aliasesOf(v) : undefined)));
  },
};

/** A run as reads answer it; runs/create differs on 2.9.2 (no `inputs`). */
const readRunJson = (r: FakeRun, s: FakeState) => runJson(r, { inputs: true, outputs: s.personality.runInputsOutputs });

const searchExperiments: Route = {
  schema: [...SEARCH, ['view_type', 'string']],
  handle: (p, s) => {
    const page = s.tracking.searchExperiments({ ...search(p), viewType: str(p, 'view_type') as ViewType });
    return listJson('experiments', page.page.map(experimentJson), page.next);
  },
};

/** MLflow 2.9's REST routes under /api/2.0/mlflow/, with the methods Flask accepts for each (3.x adds webhooks). */
export const ROUTES: Record<string, Partial<Record<Method, Route>>> = {
  'registered-models/create': {
    POST: {
      schema: [NAME, ['tags', 'list'], ['description', 'string']],
      handle: (p, s) => {
        const model = s.registry.createModel(required(p, 'name'), { description: str(p, 'description'), tags: record(p, 'tags') });
        s.webhooks.announce('registered_model.created', { name: model.name, tags: record(p, 'tags'), description: str(p, 'description') ?? '' });
        return { registered_model: modelJson(model, s.registry) };
      },
    },
  },
  'registered-models/get': {
    GET: { schema: [NAME], handle: (p, s) => ({ registered_model: modelJson(s.registry.model(required(p, 'name')), s.registry) }) },
  },
  'registered-models/search': {
    GET: {
      schema: SEARCH,
      handle: (p, s) => {
        const page = s.registry.searchModels(search(p));
        return listJson('registered_models', page.page.map((m) => modelJson(m, s.registry)), page.next);
      },
    },
  },
  'registered-models/get-latest-versions': { GET: getLatest, POST: getLatest },
  'registered-models/alias': {
    GET: {
      schema: [NAME, ['alias', 'required', 'string']],
      handle: (p, s) => {
        const v = s.registry.versionByAlias(required(p, 'name'), required(p, 'alias'));
        return { model_version: versionJson(v, s.registry.aliasesOf(v)) };
      },
    },
    POST: {
      schema: [NAME, ['alias', 'required', 'string'], VERSION],
      handle: (p, s) => {
        const [name, alias] = [required(p, 'name'), required(p, 'alias')];
        s.registry.setAlias(name, alias, p.version);
        s.webhooks.announce('model_version_alias.created', { name, alias, version: String(p.version) });
        return {};
      },
    },
    DELETE: {
      schema: [NAME, ['alias', 'required', 'string']],
      handle: (p, s) => {
        const [name, alias] = [required(p, 'name'), required(p, 'alias')];
        s.registry.deleteAlias(name, alias);
        s.webhooks.announce('model_version_alias.deleted', { name, alias });
        return {};
      },
    },
  },
  'model-versions/create': {
    POST: {
      schema: [NAME, ['source', 'required', 'string'], ['run_id', 'string'], ['tags', 'list'], ['run_link', 'string'], ['description', 'string']],
      handle: (p, s) => {
        const v = s.registry.createVersion(required(p, 'name'), {
          source: required(p, 'source'),
          runId: str(p, 'run_id'),
          description: str(p, 'description'),
          tags: record(p, 'tags'),
          runLink: str(p, 'run_link'),
        });
        const data = { name: v.name, version: String(v.version), source: v.source, run_id: v.runId ?? null, tags: record(p, 'tags'), description: str(p, 'description') ?? null };
        s.webhooks.announce('model_version.created', data);
        return { model_version: versionJson(v) };
      },
    },
  },
  'model-versions/get': {
    GET: {
      schema: [NAME, VERSION],
      handle: (p, s) => {
        const v = s.registry.version(str(p, 'name') ?? '', p.version);
        return { model_version: versionJson(v, s.registry.aliasesOf(v)) };
      },
    },
  },
  'model-versions/search': {
    GET: {
      schema: SEARCH,
      handle: (p, s) => {
        const page = s.registry.searchVersions(search(p));
        return listJson('model_versions', page.page.map((v) => versionJson(v)), page.next);
      },
    },
  },
  'model-versions/transition-stage': {
    POST: {
      schema: [NAME, VERSION, ['stage', 'required', 'string'], ['archive_existing_versions', 'bool']],
      handle: (p, s) => {
        const v = s.registry.transition(required(p, 'name'), p.version, p.stage, p.archive_existing_versions === true || p.archive_existing_versions === 'true');
        return { model_version: versionJson(v, s.registry.aliasesOf(v)) };
      },
    },
  },
  'model-versions/update': {
    PATCH: {
      schema: [NAME, VERSION, ['description', 'string']],
      handle: (p, s) => {
        const v = s.registry.updateVersion(required(p, 'name'), p.version, str(p, 'description'));
        return { model_version: versionJson(v, s.registry.aliasesOf(v)) };
      },
    },
  },
  'model-versions/set-tag': {
    POST: {
      schema: [NAME, VERSION, ['key', 'required', 'string'], ['value', 'string']],
      handle: (p, s) => {
        const [name, key, value] = [required(p, 'name'), required(p, 'key'), str(p, 'value') ?? ''];
        s.registry.setVersionTag(name, p.version, key, value);
        s.webhooks.announce('model_version_tag.set', { name, version: String(p.version), key, value });
        return {};
      },
    },
  },
  'model-versions/delete-tag': {
    DELETE: {
      schema: [NAME, VERSION, ['key', 'required', 'string']],
      handle: (p, s) => {
        const [name, key] = [required(p, 'name'), required(p, 'key')];
        s.registry.deleteVersionTag(name, p.version, key);
        s.webhooks.announce('model_version_tag.deleted', { name, version: String(p.version), key });
        return {};
      },
    },
  },
  'experiments/create': {
    POST: {
      schema: [NAME, ['artifact_location', 'string'], ['tags', 'list']],
      handle: (p, s) => ({ experiment_id: s.tracking.createExperiment(required(p, 'name'), { artifactLocation: str(p, 'artifact_location'), tags: record(p, 'tags') }).experimentId }),
    },
  },
  'experiments/get-by-name': {
    GET: { schema: [['experiment_name', 'required', 'string']], handle: (p, s) => ({ experiment: experimentJson(s.tracking.experimentByName(required(p, 'experiment_name'))) }) },
  },
  'experiments/search': { GET: searchExperiments, POST: searchExperiments },
  'runs/create': {
    POST: {
      schema: [['experiment_id', 'string'], ['user_id', 'string'], ['start_time', 'int'], ['tags', 'list'], ['run_name', 'string']],
      handle: (p, s) => {
        // start_time is an unset proto field when left out: MLflow stores 0 (3.x capture).
        const run = s.tracking.createRun({ experimentId: str(p, 'experiment_id'), userId: str(p, 'user_id'), runName: str(p, 'run_name'), startTime: int(p, 'start_time') ?? 0, tags: record(p, 'tags') });
        return { run: runJson(run, { inputs: s.personality.runInputsOutputs, outputs: false }) };
      },
    },
  },
  'runs/get': {
    GET: { schema: [['run_id', 'required', 'string']], handle: (p, s) => ({ run: readRunJson(s.tracking.run(str(p, 'run_id') ?? required(p, 'run_uuid')), s) }) },
  },
  'runs/update': {
    POST: {
      schema: [['run_id', 'required', 'string'], ['status', 'string'], ['end_time', 'int'], ['run_name', 'string']],
      handle: (p, s) => ({
        run_info: runInfoJson(s.tracking.updateRun(str(p, 'run_id') ?? required(p, 'run_uuid'), { status: str(p, 'status'), endTime: int(p, 'end_time'), runName: str(p, 'run_name') })),
      }),
    },
  },
  'runs/log-batch': {
    POST: {
      schema: [['run_id', 'required', 'string'], ['metrics', 'list'], ['params', 'list'], ['tags', 'list']],
      handle: (p, s) => (s.tracking.logBatch(required(p, 'run_id'), { metrics: list(p, 'metrics') as FakeMetric[], params: keyValues(p, 'params'), tags: keyValues(p, 'tags') }), {}),
    },
  },
  'runs/search': {
    POST: {
      schema: [['experiment_ids', 'list'], ...SEARCH, ['run_view_type', 'string']],
      handle: (p, s) => {
        const q = search(p);
        if ((q.maxResults ?? 0) > 50000) throw new MlflowApiError(400, 'INVALID_PARAMETER_VALUE', `Invalid value ${q.maxResults} for parameter 'max_results' supplied.`);
        const page = s.tracking.searchRuns({ ...q, experimentIds: list(p, 'experiment_ids').map(String), runViewType: str(p, 'run_view_type') as ViewType });
        return listJson('runs', page.page.map((r) => readRunJson(r, s)), page.next);
      },
    },
  },
  'metrics/get-history': {
    GET: {
      schema: [['run_id', 'required', 'string'], ['metric_key', 'required', 'string']],
      handle: (p, s) => listJson('metrics', s.tracking.metricHistory(str(p, 'run_id') ?? required(p, 'run_uuid'), required(p, 'metric_key')).map(metricJson)),
    },
  },
};
