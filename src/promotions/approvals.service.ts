import { Injectable, Logger } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import { AuditLog } from '../audit/audit-log.service';
import { Actor, Role } from '../auth/role';
import { DomainEvents } from '../common/domain-events';
import { LockedSession, Tx } from '../database/transactions';
import { Metrics } from '../metrics/metrics';
import { MlflowClient } from '../mlflow/mlflow.client';
import { LifecyclePublisher } from '../notifications/lifecycle-publisher';
import { evaluatePolicy } from '../policies/policy-evaluator';
import type { Promotion } from './promotion';
import { PromotionApplier } from './promotion-applier';
import { PolicyContext, PromotionFactsReader } from './promotion-facts';
import { PromotionLock } from './promotion-lock';
import { PromotionStore } from './promotion.store';
import { PromotionError, PromotionErrorCode, promotionNotFound } from './promotions.errors';

/** The actor of what modelgate does by itself; ':' cannot occur in an API key name. */
export const EXPIRY_ACTOR = 'system:expiry';

/**
 * The second person: approve, reject, cancel, expire. Every state change of a pending promotion
 * happens under its model's lock, with the row re-read, so two deciders never both act.
 */
@Injectable()
export class ApprovalsService {
  private readonly logger = new Logger(ApprovalsService.name);

  constructor(
    private readonly store: PromotionStore,
    private readonly lock: PromotionLock,
    private readonly facts: PromotionFactsReader,
    private readonly applier: PromotionApplier,
    private readonly audit: AuditLog,
    private readonly mlflow: MlflowClient,
    private readonly events: DomainEvents,
    private readonly metrics: Metrics,
    private readonly lifecycle: LifecyclePublisher,
  ) {}

  /** Records the vote; at N distinct approvals, re-checks the rules and the stage, then applies. */
  async approve(id: string, actor: Actor, comment: string | null): Promise<Promotion> {
    const requested = await this.requestedBySomeoneElse(id, actor);
    const ctx = await this.facts.context(requested.model, requested.version, requested.toStage);
    return this.lock.hold(requested.model, async (session) => {
      const voted = await session.run(async (tx) => {
        const p = await this.pendingForUpdate(id, actor, tx);
        await this.vote(p, actor, 'approve', comment, tx);
        await this.audit.append(this.entry(p, actor.name, AuditAction.PROMOTION_APPROVED, { comment }), tx);
        return (await this.store.findById(id, tx))!;
      });
      const approvals = voted.approvals.filter((a) => a.decision === 'approve').length;
      if (approvals < voted.approvalsRequired) return voted;
      return this.applyApproved(session, voted, ctx);
    });
  }

  /** Ends the promotion `rejected`; a rejected Staging→Production candidate is archived unless `archive` is false. */
  async reject(id: string, actor: Actor, comment: string | null, archive: boolean): Promise<Promotion> {
    const { model } = await this.requestedBySomeoneElse(id, actor);
    return this.lock.hold(model, async (session) => {
      const pending = await session.run((tx) => this.pendingForUpdate(id, actor, tx));
      const archiveCandidate = archive && pending.fromStage === 'Staging' && pending.toStage === 'Production';
      // MLflow first: if it cannot archive, the promotion stays pending and the reject can be retried.
      const archived = archiveCandidate && (await this.archiveIfStillInStaging(pending));
      const rejected = await session.run(async (tx) => {
        const p = await this.pendingForUpdate(id, actor, tx);
        await this.vote(p, actor, 'reject', comment, tx);
        const updated = await this.store.setStatus(id, { status: 'rejected' }, tx);
        const event = await this.audit.append(this.entry(p, actor.name, AuditAction.PROMOTION_REJECTED, { comment, archived_candidate: archived }), tx);
        // After the append (the event carries its seq): one insert that waits on no other connection.
        await this.lifecycle.rejected(tx, updated, event, { comment, archived });
        return updated;
      });
      this.lifecycle.wake();
      if (archived) this.events.emit('model.stage_changed', { model });
      this.metrics.promotions.inc({ stage: pending.toStage, outcome: 'rejected' });
      return rejected;
    });
  }

  /** The requester (or an admin) withdraws a pending promotion. */
  async cancel(id: string, actor: Actor): Promise<Promotion> {
    const p = await this.store.findById(id);
    if (!p) throw promotionNotFound(id);
    if (p.requestedBy !== actor.name && !actor.roles.includes(Role.ADMIN)) {
      throw new PromotionError(PromotionErrorCode.NOT_REQUESTER, 'Only the requester or an admin may cancel a promotion');
    }
    return this.lock.hold(p.model, (session) => this.close(session, id, 'cancelled', actor.name, AuditAction.PROMOTION_CANCELLED));
  }

  /** Pending promotions past their approval time end `expired`. Safe to run on every replica at once. */
  async expireDue(now = new Date()): Promise<number> {
    let expired = 0;
    for (const p of await this.store.findExpired(now)) {
      try {
        await this.lock.hold(p.model, (session) => this.close(session, p.id, 'expired', EXPIRY_ACTOR, AuditAction.PROMOTION_EXPIRED, now), 0);
        expired += 1;
      } catch (err) {
        if (!(err instanceof PromotionError)) this.logger.warn({ err, promotion_id: p.id }, 'could not expire a promotion; next round');
      }
    }
    return expired;
  }

  private async applyApproved(session: LockedSession, p: Promotion, ctx: PolicyContext): Promise<Promotion> {
    const facts = await this.facts.gather(p.model, p.version, p.toStage, ctx);
    const verdict = evaluatePolicy(p.toStage, ctx.policy, facts.policy);
    const stale =
      facts.version.stage !== p.fromStage
        ? `version ${p.version} is now in ${facts.version.stage}, not ${p.fromStage} as when it was requested`
        : !verdict.allowed
          ? `the ${p.toStage} policy no longer passes: ${verdict.rules.filter((r) => !r.passed).map((r) => r.message).join('; ')}`
          : undefined;
    if (stale) {
      await this.applier.fail(session, p, `stale: ${stale}`);
      throw new PromotionError(PromotionErrorCode.STALE_PROMOTION, `The promotion was approved but the world changed: ${stale}`, { promotion_id: p.id, verdict });
    }
    const archivedVersions = p.toStage === 'Production' ? facts.production.filter((v) => v.version !== p.version).map((v) => v.version) : [];
    const applying = await session.run((tx) => this.store.setStatus(p.id, { status: 'applying', archivedVersions }, tx));
    return this.applier.apply(session, applying, ctx.project?.modelAliases ?? false);
  }

  private async close(session: LockedSession, id: string, status: 'cancelled' | 'expired', actor: string, action: AuditAction, now?: Date) {
    return session.run(async (tx) => {
      const p = await this.store.findByIdForUpdate(id, tx);
      if (!p) throw promotionNotFound(id);
      if (p.status !== 'pending_approval' || (now && p.expiresAt && p.expiresAt > now)) {
        throw new PromotionError(PromotionErrorCode.NOT_PENDING, `Promotion ${id} is ${p.status}, not pending approval`);
      }
      const updated = await this.store.setStatus(id, { status }, tx);
      await this.audit.append(this.entry(p, actor, action), tx);
      this.metrics.promotions.inc({ stage: p.toStage, outcome: status });
      return updated;
    });
  }

  /** Reads the promotion before taking its model's lock; refuses a requester deciding on their own. */
  private async requestedBySomeoneElse(id: string, actor: Actor): Promise<Promotion> {
    const p = await this.store.findById(id);
    if (!p) throw promotionNotFound(id);
    if (p.requestedBy === actor.name) throw new PromotionError(PromotionErrorCode.SELF_APPROVAL, 'The requester cannot decide on their own promotion');
    return p;
  }

  private async pendingForUpdate(id: string, actor: Actor, tx: Tx): Promise<Promotion> {
    const p = await this.store.findByIdForUpdate(id, tx);
    if (!p) throw promotionNotFound(id);
    if (p.approvals.some((a) => a.approver === actor.name)) {
      throw new PromotionError(PromotionErrorCode.ALREADY_DECIDED, `${actor.name} already decided on promotion ${id}`);
    }
    if (p.status !== 'pending_approval' || (p.expiresAt && p.expiresAt <= new Date())) {
      throw new PromotionError(PromotionErrorCode.NOT_PENDING, `Promotion ${id} is ${p.status === 'pending_approval' ? 'past its approval time' : p.status}, not pending approval`);
    }
    return p;
  }

  private async vote(p: Promotion, actor: Actor, decision: 'approve' | 'reject', comment: string | null, tx: Tx): Promise<void> {
    if (!(await this.store.addApproval(p.id, { approver: actor.name, decision, comment }, tx))) {
      throw new PromotionError(PromotionErrorCode.ALREADY_DECIDED, `${actor.name} already decided on promotion ${p.id}`);
    }
  }

  private async archiveIfStillInStaging(p: Promotion): Promise<boolean> {
    const current = await this.mlflow.getModelVersion(p.model, p.version);
    if (current.stage !== 'Staging') return false;
    await this.mlflow.transitionStage(p.model, p.version, 'Archived', false);
    return true;
  }

  private entry(p: Promotion, actor: string, action: AuditAction, details: Record<string, unknown> = {}) {
    return {
      actor,
      action,
      model: p.model,
      version: p.version,
      from_stage: p.fromStage,
      to_stage: p.toStage,
      reason: p.reason,
      details: { promotion_id: p.id, requested_by: p.requestedBy, ...details },
    };
  }
}
