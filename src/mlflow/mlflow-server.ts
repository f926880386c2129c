import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { MlflowClient } from './mlflow.client';

/** An ask made outside readiness (a config load, a request): short, so it is not held up. */
const ASK_BUDGET_MS = 1000;
/** While MLflow does not answer, the version is asked again at most this often outside readiness. */
const ASK_AGAIN_AFTER_MS = 5000;

/**
 * Which MLflow release this replica talks to (`GET /version`): asked at start and by every
 * readiness probe, and kept. Some project settings depend on it (aliases mode needs MLflow 2.3).
 */
@Injectable()
export class MlflowServer implements OnApplicationBootstrap {
  private readonly logger = new Logger(MlflowServer.name);
  private known?: string;
  private asking?: Promise<string | undefined>;
  private failedAt = 0;
  private readonly listeners: ((version: string) => void)[] = [];

  constructor(private readonly mlflow: MlflowClient) {}

  onApplicationBootstrap(): void {
    void this.refresh().catch(() => undefined);
  }

  /** The release MLflow last named, on this replica; undefined until it answered once. */
  get version(): string | undefined {
    return this.known;
  }

  /** Called each time MLflow names a release other than the one known (the first time included). */
  onLearned(listener: (version: string) => void): void {
    this.listeners.push(listener);
  }

  /** The known release, or one short ask now (see {@link askNow}). */
  async current(): Promise<string | undefined> {
    return this.known ?? this.askNow();
  }

  /** Asks now, briefly; undefined when MLflow does not answer, or did not a few seconds ago (not asked again meanwhile). */
  async askNow(): Promise<string | undefined> {
    if (Date.now() - this.failedAt < ASK_AGAIN_AFTER_MS) return undefined;
    return this.refresh(ASK_BUDGET_MS).catch(() => undefined);
  }

  /** Asks MLflow now (concurrent asks share one call); throws MLFLOW_UNAVAILABLE when it does not answer. */
  refresh(budgetMs?: number): Promise<string | undefined> {
    this.asking ??= this.ask(budgetMs).finally(() => (this.asking = undefined));
    return this.asking;
  }

  private async ask(budgetMs?: number): Promise<string | undefined> {
    let version: string | undefined;
    try {
      version = await this.mlflow.serverVersion(budgetMs);
    } catch (err) {
      this.failedAt = Date.now();
      throw err;
    }
    if (version !== undefined && version !== this.known) {
      this.known = version;
      this.logger.log({ mlflow_version: version }, 'MLflow server version known');
      for (const listener of this.listeners) {
        try {
          listener(version);
        } catch (err) {
          this.logger.warn({ err }, 'MLflow version listener failed');
        }
      }
    }
    return version;
  }
}
