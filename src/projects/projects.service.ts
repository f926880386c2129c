import { Inject, Injectable, Logger } from '@nestjs/common';
import { canonicalJson } from '../common/canonical-json';
import { NAME_PAGES, Page } from '../common/http/pagination';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { AuditAction } from '../audit/audit-action';
import { AuditLog } from '../audit/audit-log.service';
import { Transactions, Tx } from '../database/transactions';
import { MlflowServer } from '../mlflow/mlflow-server';
import { ConfigCheck, ConfigProblem, ProjectDefinition, checkProjectDocument, sha256Hex } from './project-config';
import { readProjectYaml } from './project-yaml';
import { ProjectRecord, ProjectSettings, ProjectStore } from './project.store';
import { invalidProjectConfig, modelAlreadyClaimed, projectNotFound } from './projects.errors';
import { registryModeRefusal } from './registry-support';

/** A config as it arrived: YAML text, or a JSON body already parsed. */
export type ConfigInput = { yaml: string } | { json: unknown };

export interface CheckedConfig extends ConfigCheck {
  /** The text to store: the YAML as sent (comments kept), or the JSON pretty-printed. Set when valid. */
  raw?: string;
}

export interface WriteMeta {
  raw: string;
  source: 'file' | 'api';
  /** For `file`; an API write keeps the path of the file the project came from. */
  sourcePath?: string;
  updatedBy: string | null;
}

/** A stored project the MLflow it runs against cannot hold. */
export interface RefusedProject {
  project: string;
  sourcePath: string | null;
  problems: ConfigProblem[];
}

export interface SavedProject {
  record: ProjectRecord;
  created: boolean;
  /** False when the config equals the stored one: nothing was written or audited. */
  changed: boolean;
  warnings: ConfigProblem[];
}

/** Stored (jsonb) and fresh values compare as JSON: key order and undefined fields do not count. */
const sameJson = (a: unknown, b: unknown): boolean => canonicalJson(JSON.parse(JSON.stringify(a))) === canonicalJson(JSON.parse(JSON.stringify(b)));

/** The stored project already is this config; a file it did not come from taking it over is still a change. */
function alreadyStored(existing: ProjectRecord, next: ProjectSettings & { config: Record<string, unknown>; configHash: string }, meta: WriteMeta): boolean {
  const { config, configHash, ...settings } = next;
  const sameContent = existing.configHash === configHash && sameJson(existing.settings, settings) && sameJson(existing.config, config);
  const takenOverByFile = meta.source === 'file' && (existing.source !== 'file' || existing.sourcePath !== (meta.sourcePath ?? null));
  return sameContent && !takenOverByFile;
}

const REFUSAL_SCAN_PAGE = 500;

/** The actor of configs loaded from PROJECTS_DIR at start; ':' cannot occur in an API key name. */
export const BOOTSTRAP_ACTOR = 'system:projects-loader';

/** The use cases of project configs: check, store, read, delete. */
@Injectable()
export class ProjectsService {
  private readonly logger = new Logger(ProjectsService.name);

  constructor(
    private readonly store: ProjectStore,
    private readonly transactions: Transactions,
    private readonly audit: AuditLog,
    private readonly mlflowServer: MlflowServer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    mlflowServer.onLearned((version) => void this.logRefusals(version));
  }

  /** Parses and checks a config; stores nothing and reads nothing. */
  check(input: ConfigInput): CheckedConfig {
    const options = { slackChannels: Object.keys(this.config.slackWebhooks) };
    if ('yaml' in input) {
      const read = readProjectYaml(input.yaml);
      if (read.problems.length > 0) return { problems: read.problems, warnings: read.warnings };
      const check = checkProjectDocument(read.document, options);
      return { ...check, warnings: [...read.warnings, ...check.warnings], ...(check.definition ? { raw: input.yaml } : {}) };
    }
    const check = checkProjectDocument(input.json, options);
    // Only a valid document is printed: its depth is bounded by then.
    return check.definition ? { ...check, raw: `${JSON.stringify(input.json, null, 2)}\n` } : check;
  }

  /**
   * What the MLflow modelgate runs against says of a checked config (aliases mode needs MLflow 2.3),
   * asked now; when MLflow cannot be asked the config stands, with a warning, until it answers.
   */
  async checkAgainstMlflow(definition: ProjectDefinition): Promise<{ problems: ConfigProblem[]; warnings: ConfigProblem[] }> {
    if (definition.registry !== 'aliases') return { problems: [], warnings: [] };
    const version = await this.mlflowServer.askNow();
    if (version === undefined) {
      return { problems: [], warnings: [{ path: 'model.registry', message: 'MLflow could not be asked for its version: aliases mode (MLflow 2.3 or later) is checked when it answers' }] };
    }
    const refusal = registryModeRefusal(definition, version);
    return { problems: refusal ? [refusal] : [], warnings: [] };
  }

  /** Every problem a PUT of this config would meet, the model claim and MLflow's release included. Stores nothing. */
  async validate(input: ConfigInput): Promise<ConfigCheck> {
    const checked = this.check(input);
    const { problems, definition } = checked;
    if (!definition) return { problems, warnings: checked.warnings };
    const server = await this.checkAgainstMlflow(definition);
    const warnings = [...checked.warnings, ...server.warnings];
    if (server.problems.length > 0) return { problems: server.problems, warnings };
    const owner = await this.store.findByModel(definition.modelName);
    if (owner && owner.name !== definition.name) {
      return { problems: modelAlreadyClaimed(definition.modelName, owner.name).details as ConfigProblem[], warnings };
    }
    return { problems, warnings, definition };
  }

  async put(name: string, input: ConfigInput, actor: string): Promise<SavedProject> {
    const checked = this.check(input);
    const { problems, definition, raw } = checked;
    if (!definition || raw === undefined) throw invalidProjectConfig(problems, checked.warnings);
    if (definition.name !== name) {
      throw invalidProjectConfig([{ path: 'project_name', message: `"${definition.name}" must equal the name in the path ("${name}")` }], checked.warnings);
    }
    const server = await this.checkAgainstMlflow(definition);
    const warnings = [...checked.warnings, ...server.warnings];
    if (server.problems.length > 0) throw invalidProjectConfig(server.problems, warnings);
    const saved = await this.transactions.run((tx) => this.write(definition, { raw, source: 'api', updatedBy: actor }, tx));
    this.logSaved(saved.record, saved, warnings);
    return { ...saved, warnings };
  }

  /**
   * Creates or replaces a checked project, under the project's lock, inside the caller's
   * transaction (so the audit record can join it). Used by PUT and by the file loader. The same
   * config again changes nothing: no write, no audit event, the same `updated_at`.
   */
  async write(definition: ProjectDefinition, meta: WriteMeta, tx: Tx): Promise<{ record: ProjectRecord; created: boolean; changed: boolean }> {
    const { name, config, ...settings } = definition;
    const configHash = sha256Hex(meta.raw);
    await this.transactions.lock(tx, `project:${name}`);
    const existing = await this.store.findByName(name, tx);
    if (existing && alreadyStored(existing, { ...settings, config, configHash }, meta)) return { record: existing, created: false, changed: false };
    const owner = await this.store.findByModel(settings.modelName, tx);
    if (owner && owner.name !== name) throw modelAlreadyClaimed(settings.modelName, owner.name);
    const record = await this.store.save(
      {
        name,
        settings,
        config,
        raw: meta.raw,
        configHash,
        source: meta.source,
        sourcePath: meta.source === 'file' ? (meta.sourcePath ?? null) : (existing?.sourcePath ?? null),
        updatedBy: meta.updatedBy,
      },
      tx,
    );
    await this.audit.append(
      {
        actor: meta.updatedBy ?? BOOTSTRAP_ACTOR,
        action: existing ? AuditAction.PROJECT_UPDATED : AuditAction.PROJECT_CREATED,
        model: settings.modelName,
        details: { project: name, source: meta.source, source_path: record.sourcePath, config_hash: record.configHash },
      },
      tx,
    );
    return { record, created: !existing, changed: true };
  }

  logSaved(record: ProjectRecord, saved: { created: boolean; changed: boolean }, warnings: ConfigProblem[]): void {
    const fields = { project: record.name, source: record.source, source_path: record.sourcePath, config_hash: record.configHash, updated_by: record.updatedBy };
    this.logger.log(fields, saved.created ? 'project created' : saved.changed ? 'project updated' : 'project unchanged: the same config again');
    if (warnings.length > 0) this.logger.warn({ project: record.name, warnings }, 'project config accepted with warnings');
  }

  /** Stored projects the MLflow last heard from (on this replica) cannot hold; none while its release is unknown. */
  async refused(): Promise<RefusedProject[]> {
    const version = this.mlflowServer.version;
    if (version === undefined) return [];
    const refused: RefusedProject[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.store.list(after, REFUSAL_SCAN_PAGE);
      for (const record of page) {
        const problem = registryModeRefusal(record.settings, version);
        if (problem) refused.push({ project: record.name, sourcePath: record.sourcePath, problems: [problem] });
      }
      if (page.length < REFUSAL_SCAN_PAGE) return refused;
      after = page[page.length - 1].name;
    }
  }

  private async logRefusals(version: string): Promise<void> {
    try {
      for (const r of await this.refused()) {
        this.logger.error({ project: r.project, mlflow_version: version, problems: r.problems }, 'stored project refused by the MLflow it runs against: its promotions and gate answer PROJECT_CONFIG_REFUSED');
      }
    } catch (err) {
      this.logger.warn({ err }, 'could not check the stored projects against the MLflow release');
    }
  }

  async get(name: string): Promise<ProjectRecord> {
    const record = await this.store.findByName(name);
    if (!record) throw projectNotFound(name);
    return record;
  }

  async list(pageToken: string | undefined, limit: number): Promise<Page<ProjectRecord>> {
    const after = NAME_PAGES.decode(pageToken)?.after;
    return NAME_PAGES.page(await this.store.list(after, limit + 1), limit, (last) => ({ after: last.name }));
  }

  async delete(name: string, actor: string): Promise<void> {
    const deleted = await this.transactions.run(async (tx) => {
      await this.transactions.lock(tx, `project:${name}`);
      const existing = await this.store.findByName(name, tx);
      if (!existing || !(await this.store.delete(name, tx))) return false;
      const details = { project: name, config_hash: existing.configHash };
      await this.audit.append({ actor, action: AuditAction.PROJECT_DELETED, model: existing.settings.modelName, details }, tx);
      return true;
    });
    if (!deleted) throw projectNotFound(name);
    this.logger.log({ project: name, deleted_by: actor }, 'project deleted');
  }
}
