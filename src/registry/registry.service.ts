import { Injectable, Logger } from '@nestjs/common';
import { validationFailed } from '../common/errors/domain-error';
import type { Stage } from '../common/stage';
import { DEFAULT_PAGE_SIZE, Keyset, cursorField } from '../common/http/pagination';
import { MlflowClient } from '../mlflow/mlflow.client';
import { MlflowErrorCode, isMlflowError } from '../mlflow/mlflow.errors';
import type { MlflowPage, ModelVersion, RegisteredModel, Run } from '../mlflow/mlflow.types';
import { nameFilter } from '../mlflow/mlflow.wire';
import { RegistryModes } from '../registry-mode/registry-modes';

export interface VersionWithRun {
  version: ModelVersion;
  /** Null when the version has no run, or its run is gone. */
  run: Run | null;
}

export interface PageRequest {
  maxResults?: number;
  pageToken?: string;
}

export interface RunSearch extends PageRequest {
  experimentIds?: string[];
  experimentNames?: string[];
  filter?: string;
  orderBy?: string[];
}

const NEWEST_FIRST = ['version_number DESC'];
/** A stage's versions, newest first: the next page starts below the last version listed. */
const IN_STAGE_PAGES = new Keyset<{ before_version: number }>({ before_version: cursorField.seq });
/** Stage-filtered lists walk every version of a model in pages this big. */
const SCAN_PAGE_SIZE = 1000;
const MAX_SCAN_PAGES = 200;
/** Bound of the version → run id memo (oldest forgotten first). */
const MAX_REMEMBERED_RUN_IDS = 10_000;

/**
 * Read use cases over MLflow's registry and runs; nothing here is cached or stored. A version's
 * `stage` is its project's: derived from aliases in aliases mode (MLflow's own stage stays None).
 */
@Injectable()
export class RegistryService {
  private readonly logger = new Logger(RegistryService.name);
  /** `name\0version` → run id (null for none): immutable in MLflow, so safe to remember. */
  private readonly runIds = new Map<string, string | null>();

  constructor(
    private readonly mlflow: MlflowClient,
    private readonly modes: RegistryModes,
  ) {}

  async listModels(q: PageRequest & { filter?: string }): Promise<MlflowPage<RegisteredModel>> {
    const page = await this.mlflow.searchRegisteredModels({ filter: q.filter, maxResults: q.maxResults ?? DEFAULT_PAGE_SIZE, pageToken: q.pageToken });
    return { ...page, items: await Promise.all(page.items.map((model) => this.withLatestVersions(model))) };
  }

  async getModel(name: string): Promise<RegisteredModel> {
    return this.withLatestVersions(await this.mlflow.getRegisteredModel(name));
  }

  /**
   * The model with its latest version per stage as its project sees them. MLflow's own list (with
   * the model's aliases added: MLflow leaves them out) in stages mode; in aliases mode, where
   * MLflow holds every version in None, the stages are derived from all the model's versions.
   */
  private async withLatestVersions(model: RegisteredModel): Promise<RegisteredModel> {
    const [stageOf, filter] = [await this.modes.derivedStages(model.name), nameFilter(model.name)];
    if (!stageOf || !filter) return { ...model, latestVersions: withAliases(model.latestVersions, model) };
    const versions = shown(await this.allVersions(filter), model, stageOf);
    const latest = new Map<Stage, ModelVersion>();
    for (const v of versions) if (Number(v.version) > Number(latest.get(v.stage)?.version ?? 0)) latest.set(v.stage, v);
    return { ...model, latestVersions: [...latest.values()].sort((a, b) => Number(a.version) - Number(b.version)) };
  }

  /**
   * Versions newest first. Without a stage, MLflow pages (its token passes through). MLflow cannot
   * search by stage, so with one every version is read and the matches are paged here, with a token
   * of modelgate's own. The model is read alongside: it answers 404 for an unknown model (a version
   * search would just be empty) and carries the aliases, which version searches omit.
   */
  async listVersions(name: string, q: PageRequest & { stage?: Stage }): Promise<MlflowPage<ModelVersion>> {
    const filter = nameFilter(name);
    if (!filter) throw validationFailed([{ field: 'name', problems: ['a model name cannot hold both kinds of quote'] }]);
    const maxResults = q.maxResults ?? DEFAULT_PAGE_SIZE;
    if (!q.stage) {
      const [page, model, stageOf] = await Promise.all([
        this.mlflow.searchModelVersions({ filter, maxResults, pageToken: q.pageToken, orderBy: NEWEST_FIRST }),
        this.mlflow.getRegisteredModel(name),
        this.modes.derivedStages(name),
      ]);
      return { ...page, items: shown(page.items, model, stageOf) };
    }
    const before = IN_STAGE_PAGES.decode(q.pageToken)?.before_version ?? Infinity;
    const [all, model, stageOf] = await Promise.all([this.allVersions(filter), this.mlflow.getRegisteredModel(name), this.modes.derivedStages(name)]);
    const inStage = shown(all, model, stageOf)
      .filter((v) => v.stage === q.stage && Number(v.version) < before)
      .sort((a, b) => Number(b.version) - Number(a.version));
    const page = IN_STAGE_PAGES.page(inStage.slice(0, maxResults + 1), maxResults, (last) => ({ before_version: Number(last.version) }));
    return { items: page.items, ...(page.next_page_token ? { nextPageToken: page.next_page_token } : {}) };
  }

  /**
   * One version and its run: two MLflow calls, whatever the number of metrics or tags. A version's
   * run never changes, so once seen the run is asked for alongside the version instead of after it;
   * the fresh version still decides (a model deleted and re-created gets its run re-read).
   */
  async getVersion(name: string, version: string): Promise<VersionWithRun> {
    const [found, stageOf] = await Promise.all([this.readVersion(name, version), this.modes.derivedStages(name)]);
    return stageOf ? { ...found, version: { ...found.version, stage: stageOf(found.version) } } : found;
  }

  private async readVersion(name: string, version: string): Promise<VersionWithRun> {
    const key = `${name}\u0000${version}`;
    const known = this.runIds.get(key);
    if (known === undefined) return this.getVersionThenRun(key, name, version);
    const [found, run] = await Promise.allSettled([this.mlflow.getModelVersion(name, version), this.runOrNull(known)]);
    if (found.status === 'rejected') {
      this.runIds.delete(key);
      throw found.reason;
    }
    if (found.value.runId !== known) return this.getVersionThenRun(key, name, version);
    if (run.status === 'rejected') throw run.reason;
    return { version: found.value, run: run.value };
  }

  getRun(runId: string): Promise<Run> {
    return this.mlflow.getRun(runId);
  }

  /** Experiment names are resolved to ids first (404 EXPERIMENT_NOT_FOUND for an unknown one). */
  async searchRuns(q: RunSearch): Promise<MlflowPage<Run>> {
    const named = await Promise.all((q.experimentNames ?? []).map((n) => this.mlflow.getExperimentByName(n)));
    const experimentIds = [...new Set([...(q.experimentIds ?? []), ...named.map((e) => e.experimentId)])];
    return this.mlflow.searchRuns({
      experimentIds,
      filter: q.filter,
      orderBy: q.orderBy,
      maxResults: q.maxResults ?? DEFAULT_PAGE_SIZE,
      pageToken: q.pageToken,
    });
  }

  private async getVersionThenRun(key: string, name: string, version: string): Promise<VersionWithRun> {
    const found = await this.mlflow.getModelVersion(name, version);
    if (this.runIds.size >= MAX_REMEMBERED_RUN_IDS) this.runIds.delete(this.runIds.keys().next().value!);
    this.runIds.set(key, found.runId);
    return { version: found, run: await this.runOrNull(found.runId) };
  }

  private async runOrNull(runId: string | null): Promise<Run | null> {
    if (!runId) return null;
    return this.mlflow.getRun(runId).catch((err: unknown) => {
      if (isMlflowError(err, MlflowErrorCode.RUN_NOT_FOUND)) return null;
      throw err;
    });
  }

  private async allVersions(filter: string): Promise<ModelVersion[]> {
    const all: ModelVersion[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < MAX_SCAN_PAGES; page++) {
      const result = await this.mlflow.searchModelVersions({ filter, maxResults: SCAN_PAGE_SIZE, pageToken, orderBy: NEWEST_FIRST });
      all.push(...result.items);
      if (!result.nextPageToken || result.nextPageToken === pageToken) return all;
      pageToken = result.nextPageToken;
    }
    this.logger.warn({ filter, versions: all.length }, 'stopped reading model versions after too many pages');
    return all;
  }
}

/** The versions with the model's aliases (version searches leave them out) and, when derived, their project's stage. */
function shown(versions: ModelVersion[], model: RegisteredModel, stageOf: ((v: ModelVersion) => Stage) | undefined): ModelVersion[] {
  const withTheirAliases = withAliases(versions, model);
  return stageOf ? withTheirAliases.map((v) => ({ ...v, stage: stageOf(v) })) : withTheirAliases;
}

function withAliases(versions: ModelVersion[], model: RegisteredModel): ModelVersion[] {
  return versions.map((v) => ({ ...v, aliases: model.aliases.filter((a) => a.version === v.version).map((a) => a.alias) }));
}
