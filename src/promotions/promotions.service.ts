import { Injectable } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import type { AuditEntry } from '../audit/audit-entry';
import { AuditLog } from '../audit/audit-log.service';
import { Keyset, Page, cursorField } from '../common/http/pagination';
import type { LockedSession } from '../database/transactions';
import { Metrics } from '../metrics/metrics';
import { ApprovalNotices } from '../notifications/approval-notices';
import { LifecyclePublisher } from '../lifecycle-events/lifecycle-publisher';
import type { Stage } from '../common/stage';
import { evaluatePolicy } from '../policies/policy-evaluator';
import type { PolicyVerdict } from '../policies/policy-verdict';
import { ProjectDirectory, ResolvedProject } from '../projects/project.types';
import { RegistryModes } from '../registry-mode/registry-modes';
import { FirstSight } from '../registry-watch/first-sight';
import { RegistryExpectations } from '../registry-watch/registry-expectations';
import type { Promotion } from './promotion';
import { PromotionApplier } from './promotion-applier';
import { promotionEntry } from './promotion-audit';
import { PromotionFactsReader } from './promotion-facts';
import { PromotionLock } from './promotion-lock';
import { PromotionCursor, PromotionFilter, PromotionStore } from './promotion.store';
import { PromotionError, PromotionErrorCode, promotionNotFound } from './promotions.errors';
import { checkTransition } from './stage-graph';

export interface PromoteCommand {
  model: string;
  version: string;
  stage: Stage;
  reason: string;
  dryRun: boolean;
  actor: string;
}

export type DryRunOutcome = 'apply' | 'await_approval' | 'deny';
export type PromoteResult = { dryRun: true; outcome: DryRunOutcome; verdict: PolicyVerdict } | { dryRun: false; promotion: Promotion };

const DEFAULT_TTL_HOURS = 72;
/** Newest first: the next page starts after the last promotion's creation and id. */
const PROMOTION_PAGES = new Keyset<PromotionCursor>({ createdAt: cursorField.instant, id: cursorField.uuid });
const ROLLBACK_VERDICT: PolicyVerdict = { allowed: true, approvals_required: 0, rules: [], note: 'a rollback returns the previous Production version without a policy re-check' };

/** The promotion use cases: request (with its policy gates), read, roll back. Approvals live in ApprovalsService. */
@Injectable()
export class PromotionsService {
  constructor(
    private readonly projects: ProjectDirectory,
    private readonly facts: PromotionFactsReader,
    private readonly store: PromotionStore,
    private readonly applier: PromotionApplier,
    private readonly lock: PromotionLock,
    private readonly audit: AuditLog,
    private readonly modes: RegistryModes,
    private readonly metrics: Metrics,
    private readonly approvalNotices: ApprovalNotices,
    private readonly lifecycle: LifecyclePublisher,
    private readonly firstSight: FirstSight,
    private readonly expectations: RegistryExpectations,
  ) {}

  async promote(cmd: PromoteCommand): Promise<PromoteResult> {
    const ctx = await this.facts.context(cmd.model, cmd.version, cmd.stage);
    const { project, policy } = ctx;
    const decide = async (session?: LockedSession) => {
      const facts = await this.facts.gather(cmd.model, cmd.version, cmd.stage, ctx, session && ((work) => session.read(work)));
      const transition = checkTransition(facts.version.stage, cmd.stage);
      if (!transition.ok) throw new PromotionError(PromotionErrorCode.INVALID_TRANSITION, transition.message, transition.details);
      return { facts, verdict: evaluatePolicy(cmd.stage, policy, facts.policy) };
    };
    if (cmd.dryRun) {
      const { verdict } = await decide();
      const outcome: DryRunOutcome = !verdict.allowed ? 'deny' : verdict.approvals_required > 0 ? 'await_approval' : 'apply';
      return { dryRun: true, outcome, verdict };
    }
    return this.lock.hold(cmd.model, async (session) => {
      await this.seeFirst(project, session);
      const { facts, verdict } = await decide(session);
      const base = {
        kind: 'promotion' as const,
        model: cmd.model,
        version: cmd.version,
        project: project?.name ?? null,
        fromStage: facts.version.stage,
        toStage: cmd.stage,
        requestedBy: cmd.actor,
        reason: cmd.reason,
        verdict,
        approvalsRequired: verdict.approvals_required,
      };
      if (!verdict.allowed) {
        const denied = await session.run(async (tx) => {
          const p = (await this.store.insert({ ...base, status: 'denied', expiresAt: null }, tx))!;
          await this.audit.append(this.auditEntry(p, AuditAction.PROMOTION_DENIED), tx);
          return p;
        });
        this.metrics.promotions.inc({ stage: cmd.stage, outcome: 'denied' });
        const failing = verdict.rules.filter((r) => !r.passed).map((r) => r.message);
        throw new PromotionError(PromotionErrorCode.POLICY_DENIED, `The ${cmd.stage} policy refuses this version: ${failing.join('; ')}`, undefined, {
          promotion_id: denied.id,
          verdict,
        });
      }
      if (verdict.approvals_required > 0) {
        const ttlHours = policy?.approvalTtlHours ?? DEFAULT_TTL_HOURS;
        const pending = await session.run<{ created?: Promotion; existing?: Promotion }>(async (tx) => {
          const p = await this.store.insert({ ...base, status: 'pending_approval', expiresAt: new Date(Date.now() + ttlHours * 3600_000) }, tx);
          if (!p) return { existing: await this.store.findOpenRequest(cmd.model, cmd.version, cmd.stage, tx) };
          await this.approvalNotices.enqueue(tx, p, project?.notifications.onApprovalNeeded ?? []);
          const requested = await this.audit.append(this.auditEntry(p, AuditAction.PROMOTION_REQUESTED, { approvals_required: p.approvalsRequired }), tx);
          // After the append (the event carries its seq): one insert that waits on no other connection.
          await this.lifecycle.pendingApproval(tx, p, requested);
          return { created: p };
        });
        if (!pending.created) {
          const { existing } = pending;
          const state = existing?.status === 'approved' ? 'is approved and awaits MLflow' : 'already awaits approval';
          throw new PromotionError(PromotionErrorCode.ALREADY_PENDING, `Version ${cmd.version} of ${cmd.model} ${state} for ${cmd.stage}`, {
            promotion_id: existing?.id,
          });
        }
        this.approvalNotices.wake();
        this.metrics.promotions.inc({ stage: cmd.stage, outcome: 'pending_approval' });
        return { dryRun: false, promotion: pending.created };
      }
      const applying = await session.run(async (tx) => {
        const p = (await this.store.insert({ ...base, status: 'applying', expiresAt: null, archivedVersions: facts.displaced }, tx))!;
        await this.expectations.owe(tx, p.model, p.id);
        return p;
      });
      return { dryRun: false, promotion: await this.applier.apply(session, applying, ctx.mode) };
    });
  }

  async get(id: string): Promise<Promotion> {
    const p = await this.store.findById(id);
    if (!p) throw promotionNotFound(id);
    return p;
  }

  async list(filter: PromotionFilter, limit: number, pageToken?: string): Promise<Page<Promotion>> {
    const after = PROMOTION_PAGES.decode(pageToken);
    const rows = await this.store.list(filter, limit + 1, after);
    return PROMOTION_PAGES.page(rows, limit, (last) => ({ createdAt: last.createdAt.toISOString(), id: last.id }));
  }

  /**
   * Returns the version that was Production before the current one (from modelgate's own records:
   * MLflow keeps no stage history) and archives the current one. No policy re-check.
   */
  async rollback(model: string, actor: string, reason: string): Promise<Promotion> {
    const project = await this.projects.findByModel(model);
    const mode = await this.modes.of(project);
    return this.lock.hold(model, async (session) => {
      await this.seeFirst(project, session);
      const [current] = await mode.holders(model, 'Production');
      if (!current) throw new PromotionError(PromotionErrorCode.NOTHING_TO_ROLL_BACK, `Model ${model} has no version in Production`);
      // On the session's connection: a second pooled one, taken while holding the lock, can starve the pool.
      const last = await session.run((tx) => this.store.lastCompletedIntoProduction(model, current.version, tx));
      const previous = last?.archivedVersions[0];
      if (!previous) {
        throw new PromotionError(PromotionErrorCode.NOTHING_TO_ROLL_BACK, `modelgate has no record of a Production version of ${model} before version ${current.version}`);
      }
      const target = await mode.version(model, previous);
      const rollback = await session.run(async (tx) => {
        const p = (await this.store.insert(
          {
            kind: 'rollback',
            model,
            version: previous,
            project: project?.name ?? null,
            fromStage: target.stage,
            toStage: 'Production',
            status: 'applying',
            requestedBy: actor,
            reason,
            verdict: ROLLBACK_VERDICT,
            approvalsRequired: 0,
            expiresAt: null,
            archivedVersions: [current.version],
          },
          tx,
        ))!;
        await this.expectations.owe(tx, p.model, p.id);
        return p;
      });
      return this.applier.apply(session, rollback, mode);
    });
  }

  /** The first change of a project's model adopts what MLflow holds before it (first sight). */
  private async seeFirst(project: ResolvedProject | undefined, session: LockedSession): Promise<void> {
    if (project) await this.firstSight.ensure(project, (work) => session.run(work), undefined, (work) => session.read(work));
  }

  private auditEntry(p: Promotion, action: AuditAction, details: Record<string, unknown> = {}): AuditEntry {
    return promotionEntry(p, p.requestedBy, action, { verdict: p.verdict, ...details });
  }

}
