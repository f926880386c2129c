import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Interval, SchedulerRegistry } from '@nestjs/schedule';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MlflowClient } from '../mlflow/mlflow.client';
import { ProjectDirectory } from '../projects/project.types';
import { AliasMirror } from './alias-mirror';
import { ApprovalsService } from './approvals.service';
import type { Promotion } from './promotion';
import { PromotionApplier } from './promotion-applier';
import { PromotionLock } from './promotion-lock';
import { PromotionStore } from './promotion.store';
import { PromotionError } from './promotions.errors';

const RECONCILE_JOB = 'promotions-reconcile';

/**
 * Crash recovery: a promotion left `applying` (the process died between the commit and MLflow's
 * answer) is settled by reading MLflow: `completed` if the version reached the target, else
 * `failed`. Runs at start and every RECONCILE_INTERVAL_S; also mirrors aliases and expires
 * pending promotions (every minute).
 */
@Injectable()
export class PromotionReconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PromotionReconciler.name);

  constructor(
    private readonly store: PromotionStore,
    private readonly lock: PromotionLock,
    private readonly applier: PromotionApplier,
    private readonly approvals: ApprovalsService,
    private readonly mlflow: MlflowClient,
    private readonly aliases: AliasMirror,
    private readonly projects: ProjectDirectory,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.reconcile();
    this.scheduler.addInterval(RECONCILE_JOB, setInterval(() => void this.reconcile(), this.config.reconcileIntervalS * 1000));
  }

  onModuleDestroy(): void {
    if (this.scheduler.doesExist('interval', RECONCILE_JOB)) this.scheduler.deleteInterval(RECONCILE_JOB);
  }

  @Interval(60_000)
  async expire(): Promise<void> {
    try {
      const expired = await this.approvals.expireDue();
      if (expired) this.logger.log({ expired }, 'pending promotions expired');
    } catch (err) {
      this.logger.warn({ err }, 'expiring pending promotions failed; next round');
    }
  }

  /** One round; returns how many `applying` promotions it settled. */
  async reconcile(): Promise<number> {
    let settled = 0;
    try {
      for (const p of await this.store.findApplying(new Date())) {
        if (await this.settle(p)) settled += 1;
      }
      for (const project of await this.projects.list()) {
        if (project.modelAliases) await this.aliases.syncQuietly(project.modelName);
      }
    } catch (err) {
      this.logger.warn({ err }, 'promotion reconciliation failed; next round');
    }
    return settled;
  }

  /** Only when no one holds the model's lock: whoever holds it is still applying this promotion. */
  private async settle(p: Promotion): Promise<boolean> {
    try {
      const mirrorAliases = (await this.projects.findByModel(p.model))?.modelAliases ?? false;
      return await this.lock.hold(
        p.model,
        async (session) => {
          const current = await session.run((tx) => this.store.findById(p.id, tx));
          if (current?.status !== 'applying') return false;
          const stage = (await this.mlflow.getModelVersion(p.model, p.version)).stage;
          if (stage === p.toStage) await this.applier.complete(session, current, mirrorAliases);
          else await this.applier.fail(session, current, `interrupted before MLflow applied it (reconciled: the version is in ${stage})`);
          this.logger.warn({ promotion_id: p.id, model: p.model, version: p.version, stage }, 'reconciled a promotion left applying');
          return true;
        },
        0,
      );
    } catch (err) {
      if (!(err instanceof PromotionError)) this.logger.warn({ err, promotion_id: p.id }, 'could not reconcile a promotion; next round');
      return false;
    }
  }
}
