import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ModelLock } from '../database/model-lock';
import { LockTimeoutError, Transactions } from '../database/transactions';
import { ProjectDirectory, ResolvedProject } from '../projects/project.types';
import { ProjectError, ProjectErrorCode } from '../projects/projects.errors';
import { DriftCheckRequests } from './drift-check-requests';
import { DriftChecker, ModelCheck, checkOf } from './drift-checker';

/** Held by the replica whose round it is: one replica polls MLflow at a time. */
export const WATCH_LOCK = 'registry-watch';
const WATCH_JOB = 'registry-watch';
/** Asks for one model within this long are checked together. */
const DEBOUNCE_MS = 250;

/** What one round did; `skipped` when another replica's round was running. */
export interface WatchRound {
  skipped: boolean;
  checks: ModelCheck[];
}

/**
 * Compares every project's model with what modelgate expects, every DRIFT_CHECK_INTERVAL_S on one
 * replica at a time, and one model at once when asked (a gate decision or an MLflow webhook). A
 * model whose lock is held (a promotion, an adoption) is skipped: the next round sees its outcome.
 */
@Injectable()
export class DriftWatcher extends DriftCheckRequests implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(DriftWatcher.name);
  private readonly asked = new Set<string>();
  private timer?: NodeJS.Timeout;
  /** Checks in this process run one after another; a round waits for the one before. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly projects: ProjectDirectory,
    private readonly checker: DriftChecker,
    private readonly lock: ModelLock,
    private readonly transactions: Transactions,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.scheduler.addInterval(WATCH_JOB, setInterval(() => void this.round(), this.config.driftCheckIntervalS * 1000));
  }

  onModuleDestroy(): void {
    this.closed = true;
    if (this.scheduler.doesExist('interval', WATCH_JOB)) this.scheduler.deleteInterval(WATCH_JOB);
    if (this.timer) clearTimeout(this.timer);
  }

  /** Every project's model, unless another replica's round holds the watch lock. Never throws. */
  round(): Promise<WatchRound> {
    return this.serially(async () => {
      try {
        return await this.transactions.withSessionLock(WATCH_LOCK, 0, async () => {
          const checks: ModelCheck[] = [];
          for (const project of await this.projects.list()) checks.push(await this.checkProject(project));
          return { skipped: false, checks };
        });
      } catch (err) {
        if (!(err instanceof LockTimeoutError)) this.logger.warn({ err }, 'registry watch round failed; next round');
        return { skipped: true, checks: [] };
      }
    });
  }

  /** One model, now (for callers that wait: tests, and the debounced asks below). */
  checkModel(model: string): Promise<ModelCheck> {
    return this.serially(async () => {
      try {
        const project = await this.projects.findByModel(model);
        return project ? await this.checkProject(project) : checkOf(model, 'missing');
      } catch (err) {
        this.logger.warn({ err, model }, 'drift check failed');
        return checkOf(model, 'failed');
      }
    });
  }

  /** Within a second: asks for the same model while one is pending are checked once. */
  checkSoon(model: string): void {
    if (this.closed) return;
    this.asked.add(model);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const models = [...this.asked];
      this.asked.clear();
      for (const m of models) void this.checkModel(m);
    }, DEBOUNCE_MS);
  }

  private async checkProject(project: ResolvedProject): Promise<ModelCheck> {
    const model = project.modelName;
    try {
      const result = await this.lock.tryHold(model, (session) => this.checker.check(project, session));
      return result.held ? result.value : checkOf(model, 'busy');
    } catch (err) {
      // Logged once when MLflow named its release; not again every round.
      if (err instanceof ProjectError && err.code === ProjectErrorCode.PROJECT_CONFIG_REFUSED) return checkOf(model, 'refused');
      this.logger.warn({ err, model }, 'could not check a model for drift; next round');
      return checkOf(model, 'failed');
    }
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
