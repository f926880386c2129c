import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { Tx } from '../database/transactions';
import type { PromotionFacts } from '../lifecycle-events/lifecycle-events';
import type { ApprovalNotice, ApprovalRule } from './notification.types';
import { Outbox } from '../outbox/outbox';
import { approvalOutboxItems } from './recipient';

/** The verdict as the promotions feature stores it (`PolicyVerdict` fits). */
export interface VerdictFacts {
  allowed: boolean;
  rules: ApprovalRule[];
  note?: string;
}

/** `publicUrl`: modelgate's public base URL (PUBLIC_URL), for the link to the promotion's console page. */
export function approvalNoticeOf(p: PromotionFacts & { verdict: VerdictFacts }, approvalsGiven = 0, publicUrl?: string): ApprovalNotice {
  return {
    promotion_id: p.id,
    project: p.project,
    model: p.model,
    version: p.version,
    from_stage: p.fromStage,
    to_stage: p.toStage,
    requested_by: p.requestedBy,
    reason: p.reason,
    approvals_required: p.approvalsRequired,
    approvals_given: approvalsGiven,
    expires_at: p.expiresAt?.toISOString() ?? null,
    verdict: {
      allowed: p.verdict.allowed,
      rules: p.verdict.rules.map((r) => ({ rule: r.rule, passed: r.passed, message: r.message })),
      ...(p.verdict.note ? { note: p.verdict.note } : {}),
    },
    ...(publicUrl ? { console_url: `${publicUrl}/console/promotions/${encodeURIComponent(p.id)}` } : {}),
  };
}

/**
 * Tells the project's `on_approval_needed` people that a promotion awaits them, through the outbox,
 * in the transaction that records the request: once per promotion and recipient.
 */
@Injectable()
export class ApprovalNotices {
  constructor(
    private readonly outbox: Outbox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async enqueue(tx: Tx, promotion: PromotionFacts & { verdict: VerdictFacts }, recipients: readonly string[]): Promise<number> {
    const items = approvalOutboxItems(approvalNoticeOf(promotion, 0, this.config.publicUrl), recipients);
    return items.length ? this.outbox.add(tx, items) : 0;
  }

  /** Call after the commit that added notices. */
  wake(): void {
    this.outbox.wake();
  }
}
