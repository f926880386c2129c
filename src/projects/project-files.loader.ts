import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Transactions } from '../database/transactions';
import { ConfigProblem, sha256Hex } from './project-config';
import { ProjectFile, scanProjectFiles } from './project-files';
import { ProjectFileStore } from './project.store';
import { ProjectError, ProjectErrorCode } from './projects.errors';
import { BOOTSTRAP_ACTOR, ProjectsService } from './projects.service';

export interface FileProblems {
  file: string;
  problems: ConfigProblem[];
}

export interface ReloadReport {
  /** Projects written from a new or changed file. */
  applied: string[];
  /** Projects whose file has the hash last loaded: left exactly as they are. */
  unchanged: string[];
  errors: FileProblems[];
  warnings: (ConfigProblem & { file: string })[];
}

type Outcome = { kind: 'applied' | 'unchanged'; project: string; warnings: ConfigProblem[] } | { kind: 'invalid'; problems: ConfigProblem[] };

/**
 * Loads `*\/config.yaml` under PROJECTS_DIR at start and on demand. A file is applied only when its
 * hash differs from the last one applied from it, so an API edit stands until its file changes.
 * Replicas loading at once serialise per file on an advisory lock and then see the same hash.
 */
@Injectable()
export class ProjectFilesLoader implements OnApplicationBootstrap {
  private readonly logger = new Logger(ProjectFilesLoader.name);

  constructor(
    private readonly projects: ProjectsService,
    private readonly files: ProjectFileStore,
    private readonly transactions: Transactions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.projectsDir) return;
    try {
      await this.reload(BOOTSTRAP_ACTOR);
    } catch (err) {
      // The service still serves what is stored; `POST /projects/_reload` can try again.
      this.logger.error({ err, projects_dir: this.config.projectsDir }, 'could not load project configs');
    }
  }

  async reload(actor: string): Promise<ReloadReport> {
    const dir = this.config.projectsDir;
    if (!dir) throw new ProjectError(ProjectErrorCode.PROJECTS_DIR_NOT_SET, 'PROJECTS_DIR is not set: there is no folder to load');
    const report: ReloadReport = { applied: [], unchanged: [], errors: [], warnings: [] };
    let found: ProjectFile[];
    try {
      found = await scanProjectFiles(dir);
    } catch (err) {
      const problem = { path: '', message: `PROJECTS_DIR cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
      this.logger.error({ projects_dir: dir, problem: problem.message }, 'project configs not loaded');
      return { ...report, errors: [{ file: '.', problems: [problem] }] };
    }
    const claimed = new Map<string, string>();
    for (const file of found) {
      const outcome = await this.loadFile(file, actor, claimed);
      if (outcome.kind === 'invalid') {
        report.errors.push({ file: file.path, problems: outcome.problems });
        this.logger.error({ file: file.path, problems: outcome.problems }, 'project config refused');
        continue;
      }
      report[outcome.kind].push(outcome.project);
      report.warnings.push(...outcome.warnings.map((w) => ({ file: file.path, ...w })));
    }
    await this.files.clearProblemsExcept(found.map((f) => f.path));
    this.logger.log(
      { projects_dir: dir, applied: report.applied, unchanged: report.unchanged.length, refused: report.errors.map((e) => e.file) },
      'project configs loaded',
    );
    return report;
  }

  /** Files whose current content was refused, with each problem. */
  async errors(): Promise<(FileProblems & { checkedAt: Date })[]> {
    const rows = await this.files.listWithProblems();
    return rows.map((r) => ({ file: r.path, problems: r.problems ?? [], checkedAt: r.checkedAt }));
  }

  private async loadFile(file: ProjectFile, actor: string, claimed: Map<string, string>): Promise<Outcome> {
    if (file.text === undefined) return this.refuse(file.path, [{ path: '', message: file.problem ?? 'unreadable' }]);
    const checked = this.projects.check({ yaml: file.text });
    const { problems, definition, raw } = checked;
    if (!definition || raw === undefined) return this.refuse(file.path, problems);
    const server = await this.projects.checkAgainstMlflow(definition);
    if (server.problems.length > 0) return this.refuse(file.path, server.problems);
    const warnings = [...checked.warnings, ...server.warnings];
    const other = claimed.get(definition.name);
    if (other) return this.refuse(file.path, [{ path: 'project_name', message: `project "${definition.name}" is already defined by ${other}` }]);
    claimed.set(definition.name, file.path);
    const hash = sha256Hex(raw);
    try {
      return await this.transactions.run(async (tx) => {
        await this.transactions.lock(tx, `project-file:${file.path}`);
        const last = await this.files.find(file.path, tx);
        if (last?.loadedHash === hash) {
          if (last.problems) await this.files.save({ path: last.path, loadedHash: hash, projectName: last.projectName, problems: null }, tx);
          return { kind: 'unchanged', project: definition.name, warnings: [] };
        }
        const saved = await this.projects.write(definition, { raw, source: 'file', sourcePath: file.path, updatedBy: actor }, tx);
        await this.files.save({ path: file.path, loadedHash: hash, projectName: definition.name, problems: null }, tx);
        this.projects.logSaved(saved.record, saved, warnings);
        return { kind: 'applied', project: definition.name, warnings };
      });
    } catch (err) {
      if (err instanceof ProjectError && Array.isArray(err.details)) return this.refuse(file.path, err.details as ConfigProblem[]);
      throw err;
    }
  }

  /** Records why a file was refused; the project keeps its last good config. */
  private async refuse(path: string, problems: ConfigProblem[]): Promise<Outcome> {
    await this.transactions.run(async (tx) => {
      await this.transactions.lock(tx, `project-file:${path}`);
      const last = await this.files.find(path, tx);
      await this.files.save({ path, loadedHash: last?.loadedHash ?? null, projectName: last?.projectName ?? null, problems }, tx);
    });
    return { kind: 'invalid', problems };
  }
}
