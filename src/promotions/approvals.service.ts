import { Injectable, Logger } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import { AuditLog } from '../audit/audit-log.service';
import { Actor, Role } from '../auth/role';
import { LockedSession, Tx } from '../database/transactions';
import { Metrics } from '../metrics/metrics';
import { RegistryModes } from '../registry-mode/registry-modes';
import { RegistryExpectations } from '../registry-watch/registry-expectations';
import { ApprovedPromotions } from './approved-promotions';
import type { Promotion } from './promotion';
import { decisionEntry } from './promotion-audit';
import { PromotionFactsReader } from './promotion-facts';
import { PromotionLock } from './promotion-lock';
import { PromotionStore } from './promotion.store';
import { PromotionError, PromotionErrorCode, promotionNotFound } from './promotions.errors';
import { RejectionSettler } from './rejection-settler';

/** The actor of what modelgate does by itself; ':' cannot occur in an API key name. */
export const EXPIRY_ACTOR = 'system:expiry';

/** Where a decision was made when not through the API, for its audit event: e.g. `{ via: 'slack', slack_user_id }`. */
export type DecisionOrigin = { via: string } & Record<string, string>;

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
    private readonly approved: ApprovedPromotions,
    private readonly rejections: RejectionSettler,
    private readonly audit: AuditLog,
    private readonly metrics: Metrics,
    private readonly expectations: RegistryExpectations,
    private readonly modes: RegistryModes,
  ) {}

  /**
   * Records the vote; the last one needed also moves the promotion to `approved` in the same
   * transaction, and the apply follows at once. While MLflow cannot be reached it stays `approved`
   * for the reconciler.
   */
  async approve(id: string, actor: Actor, comment: string | null, origin?: DecisionOrigin): Promise<Promotion> {
    const requested = await this.decidable(id, actor);
    const ctx = await this.facts.context(requested.model, requested.version, requested.toStage);
    return this.lock.hold(requested.model, async (session) => {
      const voted = await session.run(async (tx) => {
        const p = await this.pendingForUpdate(id, actor, tx);
        await this.vote(p, actor, 'approve', comment, tx);
        const approvals = p.approvals.filter((a) => a.decision === 'approve').length + 1;
        if (approvals >= p.approvalsRequired) {
          await this.store.setStatus(id, { status: 'approved' }, tx);
          await this.expectations.owe(tx, p.model, id);
        }
        await this.audit.append(decisionEntry(p, actor.name, AuditAction.PROMOTION_APPROVED, { comment, ...origin }), tx);
        return (await this.store.findById(id, tx))!;
      });
      return voted.status === 'approved' ? this.approved.apply(session, voted, ctx) : voted;
    });
  }

  /**
   * Ends the promotion `rejected`; a rejected Staging→Production candidate is archived unless
   * `archive` is false. The vote and the intent commit first (`rejecting`), so MLflow never changes
   * without a record of who asked; while MLflow cannot be reached the reconciler finishes it.
   */
  async reject(id: string, actor: Actor, comment: string | null, archive: boolean, origin?: DecisionOrigin): Promise<Promotion> {
    const { model } = await this.decidable(id, actor);
    const mode = await this.modes.forModel(model);
    return this.lock.hold(model, async (session) => {
      const rejecting = await session.run(async (tx) => {
        const p = await this.pendingForUpdate(id, actor, tx);
        await this.vote(p, actor, 'reject', comment, tx);
        const archiveCandidate = archive && p.fromStage === 'Staging' && p.toStage === 'Production';
        await this.expectations.owe(tx, p.model, id);
        return this.store.setStatus(id, { status: 'rejecting', archivedVersions: archiveCandidate ? [p.version] : [] }, tx);
      });
      return this.rejections.settle(session, rejecting, mode, false, origin);
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

  private async close(session: LockedSession, id: string, status: 'cancelled' | 'expired', actor: string, action: AuditAction, now?: Date) {
    return session.run(async (tx) => {
      const p = await this.store.findByIdForUpdate(id, tx);
      if (!p) throw promotionNotFound(id);
      if (p.status !== 'pending_approval' || (now && p.expiresAt && p.expiresAt > now)) {
        throw new PromotionError(PromotionErrorCode.NOT_PENDING, `Promotion ${id} is ${p.status}, not pending approval`);
      }
      const updated = await this.store.setStatus(id, { status }, tx);
      await this.audit.append(decisionEntry(p, actor, action), tx);
      this.metrics.promotions.inc({ stage: p.toStage, outcome: status });
      return updated;
    });
  }

  /**
   * Reads the promotion before taking its model's lock. Its state is checked before the decider:
   * a promotion no longer pending is NOT_PENDING to everyone, requester and earlier voters included.
   */
  private async decidable(id: string, actor: Actor): Promise<Promotion> {
    const p = await this.store.findById(id);
    if (!p) throw promotionNotFound(id);
    assertPending(p);
    if (p.requestedBy === actor.name) throw new PromotionError(PromotionErrorCode.SELF_APPROVAL, 'The requester cannot decide on their own promotion');
    return p;
  }

  private async pendingForUpdate(id: string, actor: Actor, tx: Tx): Promise<Promotion> {
    const p = await this.store.findByIdForUpdate(id, tx);
    if (!p) throw promotionNotFound(id);
    assertPending(p);
    if (p.approvals.some((a) => a.approver === actor.name)) {
      throw new PromotionError(PromotionErrorCode.ALREADY_DECIDED, `${actor.name} already decided on promotion ${id}`);
    }
    return p;
  }

  private async vote(p: Promotion, actor: Actor, decision: 'approve' | 'reject', comment: string | null, tx: Tx): Promise<void> {
    if (!(await this.store.addApproval(p.id, { approver: actor.name, decision, comment }, tx))) {
      throw new PromotionError(PromotionErrorCode.ALREADY_DECIDED, `${actor.name} already decided on promotion ${p.id}`);
    }
  }
}

function assertPending(p: Promotion): void {
  if (p.status !== 'pending_approval' || (p.expiresAt && p.expiresAt <= new Date())) {
    const state = p.status === 'pending_approval' ? 'past its approval time' : p.status;
    throw new PromotionError(PromotionErrorCode.NOT_PENDING, `Promotion ${p.id} is ${state}, not pending approval`, { status: p.status });
  }
}
