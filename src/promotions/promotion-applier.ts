import { Injectable, Logger } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import { AuditLog } from '../audit/audit-log.service';
import { DomainEvents } from '../common/domain-events';
import { LockedSession, Tx } from '../database/transactions';
import { Metrics } from '../metrics/metrics';
import { MlflowClient } from '../mlflow/mlflow.client';
import { MlflowErrorCode, isMlflowError } from '../mlflow/mlflow.errors';
import { LifecyclePublisher } from '../notifications/lifecycle-publisher';
import { RegistryExpectations } from '../registry-watch/registry-expectations';
import { AliasMirror } from './alias-mirror';
import type { Promotion } from './promotion';
import { PromotionStore } from './promotion.store';

/**
 * Moves a recorded promotion through MLflow: it is `applying` (committed) before MLflow is called
 * and `completed` or `failed` after, all under the model's lock held by the caller's session. A
 * write MLflow may have applied is never retried blindly: the version is re-read to decide.
 */
@Injectable()
export class PromotionApplier {
  private readonly logger = new Logger(PromotionApplier.name);

  constructor(
    private readonly mlflow: MlflowClient,
    private readonly store: PromotionStore,
    private readonly audit: AuditLog,
    private readonly events: DomainEvents,
    private readonly metrics: Metrics,
    private readonly aliases: AliasMirror,
    private readonly lifecycle: LifecyclePublisher,
    private readonly expectations: RegistryExpectations,
  ) {}

  /**
   * `promotion` must already be committed as `applying`, with the Production versions it replaces.
   * `whenUnreachable`: an approved promotion MLflow could not take goes back to `approved` (its
   * votes stand) instead of failing.
   */
  async apply(session: LockedSession, promotion: Promotion, mirrorAliases: boolean, whenUnreachable: 'fail' | 'keep_approved' = 'fail'): Promise<Promotion> {
    const { model, version, toStage } = promotion;
    try {
      await this.mlflow.transitionStage(model, version, toStage, toStage === 'Production');
    } catch (err) {
      const applied = await this.appliedAfterAll(promotion, err);
      if (!applied) {
        if (whenUnreachable === 'keep_approved' && isMlflowError(err, MlflowErrorCode.MLFLOW_UNAVAILABLE)) {
          this.logger.warn({ promotion_id: promotion.id, model, version }, 'MLflow unreachable: the approved promotion is applied later');
          return session.run((tx) => this.store.setStatus(promotion.id, { status: 'approved' }, tx));
        }
        await this.fail(session, promotion, err instanceof Error ? err.message : String(err));
        throw err;
      }
    }
    return this.complete(session, promotion, mirrorAliases);
  }

  /** `mirrorAliases`: the project asks for MLflow aliases (known before the lock was taken). */
  async complete(session: LockedSession, promotion: Promotion, mirrorAliases: boolean): Promise<Promotion> {
    const done = await session.run(async (tx) => {
      const updated = await this.store.setStatus(promotion.id, { status: 'completed', completed: true }, tx);
      // What MLflow now holds is what modelgate expects; the alias mirror, when asked, is owed next.
      await this.expectations.promotionCompleted(tx, updated, mirrorAliases);
      const completed = await this.appendOutcome(updated, tx, AuditAction.PROMOTION_COMPLETED, { archived_versions: updated.archivedVersions });
      // After the append (the event carries its seq): one insert that waits on no other connection.
      await this.lifecycle.stageChanged(tx, updated, completed);
      return updated;
    });
    this.lifecycle.wake();
    this.events.emit('model.stage_changed', { model: promotion.model });
    if (mirrorAliases) await this.aliases.syncQuietly(session, promotion.model);
    this.metrics.promotions.inc({ stage: promotion.toStage, outcome: 'completed' });
    this.logger.log({ promotion_id: promotion.id, model: promotion.model, version: promotion.version, to: promotion.toStage }, 'promotion completed');
    return done;
  }

  async fail(session: LockedSession, promotion: Promotion, failure: string): Promise<Promotion> {
    const failed = await session.run(async (tx) => {
      const updated = await this.store.setStatus(promotion.id, { status: 'failed', failure }, tx);
      await this.expectations.promotionFailed(tx, updated);
      await this.appendOutcome(updated, tx, AuditAction.PROMOTION_FAILED, { failure });
      return updated;
    });
    this.metrics.promotions.inc({ stage: promotion.toStage, outcome: 'failed' });
    this.logger.warn({ promotion_id: promotion.id, model: promotion.model, version: promotion.version, failure }, 'promotion failed');
    return failed;
  }

  private appendOutcome(p: Promotion, tx: Tx, action: AuditAction, details: Record<string, unknown>) {
    return this.audit.append(
      {
        actor: p.requestedBy,
        action: p.kind === 'rollback' && action === AuditAction.PROMOTION_COMPLETED ? AuditAction.ROLLBACK : action,
        model: p.model,
        version: p.version,
        from_stage: p.fromStage,
        to_stage: p.toStage,
        reason: p.reason,
        details: { promotion_id: p.id, ...details },
      },
      tx,
    );
  }

  /**
   * After a failed transition call: did MLflow apply it anyway? Only an unclear answer (timeout,
   * dropped connection, 5xx) can hide a success; then the version is re-read. If even that read
   * fails, the promotion stays `applying` for the reconciler and the MLflow error is raised.
   */
  private async appliedAfterAll(promotion: Promotion, err: unknown): Promise<boolean> {
    if (!isMlflowError(err, MlflowErrorCode.MLFLOW_UNAVAILABLE)) return false;
    let stage: string;
    try {
      stage = (await this.mlflow.getModelVersion(promotion.model, promotion.version)).stage;
    } catch {
      this.logger.error({ promotion_id: promotion.id }, 'MLflow did not answer the transition nor the re-read; left applying for the reconciler');
      throw err;
    }
    return stage === promotion.toStage;
  }
}
