import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Interval, SchedulerRegistry } from '@nestjs/schedule';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { LockedSession } from '../database/transactions';
import { ProjectDirectory } from '../projects/project.types';
import { RegistryExpectations } from '../registry-watch/registry-expectations';
import { VersionProvenance } from '../registry-watch/version-provenance';
import { AliasMirror } from './alias-mirror';
import { ApprovalsService } from './approvals.service';
import { ApprovedPromotions } from './approved-promotions';
import type { Promotion } from './promotion';
import { PromotionApplier, moveOf } from './promotion-applier';
import { PolicyContext, PromotionFactsReader } from './promotion-facts';
import { PromotionLock } from './promotion-lock';
import { PromotionStore } from './promotion.store';
import { PromotionError, PromotionErrorCode } from './promotions.errors';
import { RejectionSettler } from './rejection-settler';

const RECONCILE_JOB = 'promotions-reconcile';

/**
 * Settles what a live request could not finish, by reading MLflow: a promotion left `applying` (the
 * process died between the commit and MLflow's answer) ends `completed` if the version reached the
 * target, else `failed` (or, when its votes are in, `approved` again); an `approved` one is applied
 * as its last vote would have; a `rejecting` one has its candidate archived and ends `rejected`.
 * Runs at start and every RECONCILE_INTERVAL_S; also retries the alias and provenance tag writes
 * still owed and expires pending promotions (every minute).
 */
@Injectable()
export class PromotionReconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PromotionReconciler.name);

  constructor(
    private readonly store: PromotionStore,
    private readonly lock: PromotionLock,
    private readonly applier: PromotionApplier,
    private readonly approved: ApprovedPromotions,
    private readonly rejections: RejectionSettler,
    private readonly approvals: ApprovalsService,
    private readonly facts: PromotionFactsReader,
    private readonly aliases: AliasMirror,
    private readonly provenance: VersionProvenance,
    private readonly projects: ProjectDirectory,
    private readonly expectations: RegistryExpectations,
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

  /** One round; returns how many unsettled promotions it brought to an end. */
  async reconcile(): Promise<number> {
    let settled = 0;
    try {
      for (const p of await this.store.findUnsettled(new Date())) {
        if (await this.settle(p)) settled += 1;
      }
      // Only an alias write still owed: an alias moved in MLflow since is drift, for the watcher to report.
      const owed = new Set(await this.expectations.modelsOwedAliases());
      for (const project of await this.projects.list()) {
        if (project.modelAliases && owed.has(project.modelName)) await this.mirrorAliases(project.modelName);
      }
      for (const model of await this.provenance.modelsOwed()) await this.whenFree(model, (session) => this.provenance.writeQuietly(session, model));
    } catch (err) {
      this.logger.warn({ err }, 'promotion reconciliation failed; next round');
    }
    return settled;
  }

  /** Only when no one holds the model's lock: whoever holds it is still working on this promotion. */
  private async settle(p: Promotion): Promise<boolean> {
    try {
      // Read before the lock: inside it, the session's connection is the only one used.
      const ctx = await this.facts.context(p.model, p.version, p.toStage);
      return await this.lock.hold(
        p.model,
        async (session) => {
          const current = await session.run((tx) => this.store.findById(p.id, tx));
          if (!current) return false;
          const after = await this.settleLocked(session, current, ctx);
          if (after.status !== current.status) {
            this.logger.warn({ promotion_id: p.id, model: p.model, version: p.version, from: current.status, to: after.status }, 'reconciled an unsettled promotion');
          }
          return ['completed', 'failed', 'rejected'].includes(after.status);
        },
        0,
      );
    } catch (err) {
      if (err instanceof PromotionError && err.code === PromotionErrorCode.STALE_PROMOTION) return true;
      if (!(err instanceof PromotionError)) this.logger.warn({ err, promotion_id: p.id }, 'could not reconcile a promotion; next round');
      return false;
    }
  }

  private async settleLocked(session: LockedSession, p: Promotion, ctx: PolicyContext): Promise<Promotion> {
    if (p.status === 'approved') return this.approved.apply(session, p, ctx);
    if (p.status === 'rejecting') return this.rejections.settle(session, p, ctx.mode, true);
    if (p.status !== 'applying') return p;
    // Reading MLflow also writes what an aliases-mode move still owed, when the version got there.
    const { reached, stage } = await ctx.mode.settle(moveOf(p));
    if (reached) return this.applier.complete(session, p, ctx.mode);
    if (p.approvalsRequired > 0) {
      // Its votes stand: back to `approved`, applied again after the same checks as at the last vote.
      const approved = await session.run((tx) => this.store.setStatus(p.id, { status: 'approved' }, tx));
      return this.approved.apply(session, approved, ctx);
    }
    return this.applier.fail(session, p, `interrupted before MLflow applied it (reconciled: the version is in ${stage})`);
  }

  /** Skipped while a change of the model holds its lock: that change mirrors the aliases itself. */
  private mirrorAliases(model: string): Promise<void> {
    return this.whenFree(model, (session) => this.aliases.syncQuietly(session, model));
  }

  /** Owed writes: skipped while a change of the model holds its lock (it writes them itself). */
  private async whenFree(model: string, work: (session: LockedSession) => Promise<void>): Promise<void> {
    try {
      await this.lock.hold(model, work, 0);
    } catch (err) {
      if (!(err instanceof PromotionError)) throw err;
    }
  }
}
