import { Injectable, Logger } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import { AuditLog } from '../audit/audit-log.service';
import { DomainEvents } from '../common/domain-events';
import { LockedSession, Tx } from '../database/transactions';
import { Metrics } from '../metrics/metrics';
import { MlflowErrorCode, isMlflowError } from '../mlflow/mlflow.errors';
import { LifecyclePublisher } from '../lifecycle-events/lifecycle-publisher';
import { provenanceOf } from '../registry-mode/provenance';
import type { RegistryMode, StageMove } from '../registry-mode/registry-mode';
import { RegistryExpectations } from '../registry-watch/registry-expectations';
import { VersionProvenance } from '../registry-watch/version-provenance';
import { AliasMirror } from './alias-mirror';
import type { Promotion } from './promotion';
import { promotionEntry } from './promotion-audit';
import { PromotionStore } from './promotion.store';

/** The move a recorded promotion or rollback makes in MLflow. */
export const moveOf = (p: Promotion): StageMove => ({ model: p.model, version: p.version, to: p.toStage, displaced: p.archivedVersions });

/**
 * Moves a recorded promotion through MLflow, by the project's registry mode: it is `applying`
 * (committed) before MLflow is called and `completed` or `failed` after, all under the model's
 * lock held by the caller's session. A write MLflow may have applied is never retried blindly:
 * the version is re-read to decide.
 */
@Injectable()
export class PromotionApplier {
  private readonly logger = new Logger(PromotionApplier.name);

  constructor(
    private readonly store: PromotionStore,
    private readonly audit: AuditLog,
    private readonly events: DomainEvents,
    private readonly metrics: Metrics,
    private readonly aliases: AliasMirror,
    private readonly lifecycle: LifecyclePublisher,
    private readonly expectations: RegistryExpectations,
    private readonly provenance: VersionProvenance,
  ) {}

  /**
   * `promotion` must already be committed as `applying`, with the Production versions it replaces.
   * `whenUnreachable`: an approved promotion MLflow could not take goes back to `approved` (its
   * votes stand) instead of failing.
   */
  async apply(session: LockedSession, promotion: Promotion, mode: RegistryMode, whenUnreachable: 'fail' | 'keep_approved' = 'fail'): Promise<Promotion> {
    const { model, version } = promotion;
    try {
      await mode.move(moveOf(promotion));
    } catch (err) {
      const applied = await this.appliedAfterAll(promotion, mode, err);
      if (!applied) {
        if (whenUnreachable === 'keep_approved' && isMlflowError(err, MlflowErrorCode.MLFLOW_UNAVAILABLE)) {
          this.logger.warn({ promotion_id: promotion.id, model, version }, 'MLflow unreachable: the approved promotion is applied later');
          return session.run((tx) => this.store.setStatus(promotion.id, { status: 'approved' }, tx));
        }
        await this.fail(session, promotion, err instanceof Error ? err.message : String(err));
        throw err;
      }
    }
    return this.complete(session, promotion, mode);
  }

  /** `mode`: the project's registry mode (known before the lock was taken). */
  async complete(session: LockedSession, promotion: Promotion, mode: RegistryMode): Promise<Promotion> {
    const done = await session.run(async (tx) => {
      const updated = await this.store.setStatus(promotion.id, { status: 'completed', completed: true }, tx);
      // What MLflow now holds is what modelgate expects; the alias mirror, when asked, is owed next.
      const moved = await this.expectations.promotionCompleted(tx, updated, mode);
      const completed = await this.appendOutcome(updated, tx, AuditAction.PROMOTION_COMPLETED, { archived_versions: updated.archivedVersions });
      // After the append (both carry its seq): inserts that wait on no other connection.
      await this.provenance.owe(tx, updated.model, moved, provenanceOf(updated.id, completed), mode);
      await this.lifecycle.stageChanged(tx, updated, completed);
      return updated;
    });
    this.lifecycle.wake();
    this.events.emit('model.stage_changed', { model: promotion.model });
    if (mode.mirrorsAliases) await this.aliases.syncQuietly(session, promotion.model);
    if (mode.writesProvenance) await this.provenance.writeQuietly(session, promotion.model);
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
    const recorded = p.kind === 'rollback' && action === AuditAction.PROMOTION_COMPLETED ? AuditAction.ROLLBACK : action;
    return this.audit.append(promotionEntry(p, p.requestedBy, recorded, details), tx);
  }

  /**
   * After a failed move: did MLflow apply it anyway? Only a failure that may hide a write (in stages
   * mode an unclear answer: timeout, dropped connection, 5xx) leads to a re-read, which also writes
   * what an aliases-mode move still owed. If that fails too, the promotion stays `applying` for the
   * reconciler and the MLflow error is raised.
   */
  private async appliedAfterAll(promotion: Promotion, mode: RegistryMode, err: unknown): Promise<boolean> {
    if (!mode.mayHaveApplied(err)) return false;
    try {
      return (await mode.settle(moveOf(promotion))).reached;
    } catch {
      this.logger.error({ promotion_id: promotion.id }, 'MLflow did not answer the move nor the re-read; left applying for the reconciler');
      throw err;
    }
  }
}
