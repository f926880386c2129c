import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { Tx } from '../database/transactions';
import {
  AuditRef,
  DeployDecisionFacts,
  LifecycleEventMap,
  LifecycleEventType,
  PromotionFacts,
  busOutboxItem,
  deployDecisionDetail,
  promotionDetail,
  stageChangedDetails,
} from './lifecycle-events';
import { Outbox } from '../outbox/outbox';
import type { NewOutboxItem } from '../outbox/outbox.types';

/**
 * Puts modelgate's lifecycle events in the outbox, in the caller's transaction, so an event is
 * published if and only if its fact commits. Does nothing at all when EVENT_BUS_NAME is unset.
 * The dedupe key is the audit sequence number (or the decision id): one event per fact.
 */
@Injectable()
export class LifecyclePublisher {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: Outbox,
  ) {}

  get enabled(): boolean {
    return this.config.eventBusName !== undefined;
  }

  /** The rows for these events; empty when no bus is configured. */
  items<K extends LifecycleEventType>(
    detailType: K,
    details: LifecycleEventMap[K][],
    opts: { dedupeKey: (detail: LifecycleEventMap[K]) => string; time: Date; project: string | null; executionArn?: string | null },
  ): NewOutboxItem[] {
    const bus = this.config.eventBusName;
    if (!bus) return [];
    return details.map((detail) => busOutboxItem(bus, detailType, detail, { ...opts, dedupeKey: opts.dedupeKey(detail) }));
  }

  async publish<K extends LifecycleEventType>(
    tx: Tx,
    detailType: K,
    detail: LifecycleEventMap[K],
    opts: { dedupeKey: string; time?: Date; project: string | null },
  ): Promise<number> {
    const items = this.items(detailType, [detail], { ...opts, dedupeKey: () => opts.dedupeKey, time: opts.time ?? new Date() });
    return items.length ? this.outbox.add(tx, items) : 0;
  }

  /** A promotion (or rollback) completed: the version moved, and the Production versions it archived. */
  async stageChanged(tx: Tx, p: PromotionFacts, audit: AuditRef): Promise<number> {
    const items = this.items('Model Version Stage Changed', stageChangedDetails(p, audit), {
      dedupeKey: (d) => `${audit.seq}|stage_changed|${d.version}`,
      time: new Date(audit.at),
      project: p.project,
    });
    return items.length ? this.outbox.add(tx, items) : 0;
  }

  async pendingApproval(tx: Tx, p: PromotionFacts, audit: AuditRef): Promise<number> {
    const detail = { ...promotionDetail(p, audit), reason: p.reason, approvals_required: p.approvalsRequired, expires_at: p.expiresAt?.toISOString() ?? null };
    return this.publish(tx, 'Promotion Pending Approval', detail, { dedupeKey: `${audit.seq}|pending_approval`, time: new Date(audit.at), project: p.project });
  }

  /** A rejection; an archived Staging→Production candidate also changed stage. */
  async rejected(tx: Tx, p: PromotionFacts, audit: AuditRef, decision: { comment: string | null; archived: boolean }): Promise<number> {
    const base = promotionDetail(p, audit);
    const time = new Date(audit.at);
    let added = await this.publish(
      tx,
      'Promotion Rejected',
      { ...base, requested_by: p.requestedBy, comment: decision.comment, archived_candidate: decision.archived },
      { dedupeKey: `${audit.seq}|rejected`, time, project: p.project },
    );
    if (decision.archived) {
      const archived = { ...base, to_stage: 'Archived', cause: 'rejection' as const, reason: decision.comment ?? p.reason };
      added += await this.publish(tx, 'Model Version Stage Changed', archived, { dedupeKey: `${audit.seq}|stage_changed|${p.version}`, time, project: p.project });
    }
    return added;
  }

  /** A drift found in MLflow: one event per version, keyed by its detection's audit event. */
  async driftDetected(tx: Tx, detail: LifecycleEventMap['Model Version Drift Detected']): Promise<number> {
    return this.publish(tx, 'Model Version Drift Detected', detail, { dedupeKey: `${detail.audit_seq}|drift_detected`, time: new Date(), project: detail.project });
  }

  /** Deploy gate decisions, written in the transaction of their (batched) INSERT. */
  async deployDecisions(tx: Tx, decisions: DeployDecisionFacts[], time = new Date()): Promise<number> {
    const bus = this.config.eventBusName;
    if (!bus || decisions.length === 0) return 0;
    const items = decisions.map((d) =>
      busOutboxItem(bus, 'Deploy Gate Decision', deployDecisionDetail(d), { dedupeKey: `deploy_decision|${d.id}`, time, project: d.project }),
    );
    return this.outbox.add(tx, items);
  }

  /** Notifications that just went dead, one event per death (a revived row may die again). */
  async notificationsFailed(tx: Tx, failures: LifecycleEventMap['Notification Failed'][]): Promise<number> {
    const bus = this.config.eventBusName;
    if (!bus || failures.length === 0) return 0;
    const items = failures.map((detail) =>
      busOutboxItem(bus, 'Notification Failed', detail, {
        dedupeKey: `notification_failed|${detail.notification_id}|${randomUUID()}`,
        time: new Date(),
        project: detail.project,
        executionArn: detail.execution_arn,
      }),
    );
    return this.outbox.add(tx, items);
  }

  /** Call after the commit that added events. */
  wake(): void {
    if (this.enabled) this.outbox.wake();
  }
}
