import { Injectable, Logger } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import { AuditLog } from '../audit/audit-log.service';
import { DomainEvents } from '../common/domain-events';
import { LockedSession } from '../database/transactions';
import { Metrics } from '../metrics/metrics';
import { MlflowErrorCode, isMlflowError } from '../mlflow/mlflow.errors';
import { LifecyclePublisher } from '../lifecycle-events/lifecycle-publisher';
import { provenanceOf } from '../registry-mode/provenance';
import type { RegistryMode } from '../registry-mode/registry-mode';
import { RegistryExpectations } from '../registry-watch/registry-expectations';
import { VersionProvenance } from '../registry-watch/version-provenance';
import type { Promotion } from './promotion';
import { decisionEntry } from './promotion-audit';
import { PromotionStore } from './promotion.store';

/**
 * Ends a `rejecting` promotion (its reject vote and archive intent already committed) as `rejected`:
 * archives the candidate in MLflow when asked, then records the outcome and its audit event. When
 * MLflow cannot be reached it stays `rejecting`, for the next call (the reconciler's).
 */
@Injectable()
export class RejectionSettler {
  private readonly logger = new Logger(RejectionSettler.name);

  constructor(
    private readonly store: PromotionStore,
    private readonly audit: AuditLog,
    private readonly lifecycle: LifecyclePublisher,
    private readonly events: DomainEvents,
    private readonly metrics: Metrics,
    private readonly expectations: RegistryExpectations,
    private readonly provenance: VersionProvenance,
  ) {}

  /**
   * Under the model's lock, in the project's registry `mode`. `p.archivedVersions` names the candidate
   * when the rejection archives it. `retry`: an earlier attempt may have archived it without hearing
   * MLflow's answer. `origin` joins the audit details.
   */
  async settle(session: LockedSession, p: Promotion, mode: RegistryMode, retry: boolean, origin?: Record<string, string>): Promise<Promotion> {
    const vote = p.approvals.find((a) => a.decision === 'reject');
    let archived = false;
    let archiveFailure: string | undefined;
    if (p.archivedVersions.length > 0) {
      try {
        archived = await this.archiveIfStillInStaging(p, mode, retry);
      } catch (err) {
        if (isMlflowError(err, MlflowErrorCode.MLFLOW_UNAVAILABLE)) {
          this.logger.warn({ promotion_id: p.id, model: p.model, version: p.version }, 'MLflow unreachable: the rejected candidate is archived later');
          return p;
        }
        archiveFailure = err instanceof Error ? err.message : String(err);
      }
    }
    const details = { comment: vote?.comment ?? null, archived_candidate: archived, ...(archiveFailure ? { archive_failure: archiveFailure } : {}), ...origin };
    const rejected = await session.run(async (tx) => {
      const updated = await this.store.setStatus(p.id, { status: 'rejected', archivedVersions: archived ? [p.version] : [] }, tx);
      await this.expectations.rejectionSettled(tx, updated, archived, mode);
      const event = await this.audit.append(decisionEntry(p, vote?.approver ?? p.requestedBy, AuditAction.PROMOTION_REJECTED, details), tx);
      // After the append (both carry its seq): inserts that wait on no other connection.
      if (archived) await this.provenance.owe(tx, p.model, [{ version: p.version, stage: 'Archived' }], provenanceOf(p.id, event), mode);
      await this.lifecycle.rejected(tx, updated, event, { comment: details.comment, archived });
      return updated;
    });
    this.lifecycle.wake();
    if (archived) this.events.emit('model.stage_changed', { model: p.model });
    if (archived && mode.writesProvenance) await this.provenance.writeQuietly(session, p.model);
    this.metrics.promotions.inc({ stage: p.toStage, outcome: 'rejected' });
    return rejected;
  }

  /** True when this rejection archived the candidate: now, or on a retry, by an attempt whose answer was lost. */
  private async archiveIfStillInStaging(p: Promotion, mode: RegistryMode, retry: boolean): Promise<boolean> {
    const current = await mode.version(p.model, p.version);
    if (current.stage === 'Archived') return retry;
    if (current.stage !== 'Staging') return false;
    await mode.move({ model: p.model, version: p.version, to: 'Archived', displaced: [] });
    return true;
  }
}
