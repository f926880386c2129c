import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { LockTimeoutError, Transactions } from '../database/transactions';
import { DeliveryError } from '../outbox/outbox.types';
import { ApprovalsService } from '../promotions/approvals.service';
import { PromotionsService } from '../promotions/promotions.service';
import { PromotionError, PromotionErrorCode } from '../promotions/promotions.errors';
import { Refusal, RefusalCode, SlackReply, UNSETTLED, refusalText, updatedMessage } from './decision-message';
import { SlackIdentitiesService } from './slack-identities.service';
import { SlackInteraction, SlackInteractionStore } from './slack-interaction.store';
import { SlackResponder } from './slack-responder';

/** How long whoever took up an interaction (its receiver, or the recovery loop) owns it before another may. */
export const CLAIM_MS = 15_000;
/** Slack honours a response_url for 30 minutes; a reply still impossible then is given up. */
export const RESPONSE_URL_LIFETIME_MS = 30 * 60_000;
export const APPROVE_COMMENT = 'approved in Slack';
export const REJECT_COMMENT = 'rejected in Slack';
/** How long a reply waits for another reply about the same promotion to be posted. */
const REPLY_LOCK_WAIT_MS = 10_000;
const MAX_BACKOFF_MS = 60_000;

/** The use cases' refusals that are told to the clicker; any other failure is tried again later. */
const REFUSED: ReadonlySet<string> = new Set<RefusalCode>(['SELF_APPROVAL', 'ALREADY_DECIDED', 'NOT_PENDING', 'PROMOTION_NOT_FOUND']);

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Works off recorded clicks: decides (the approver's vote, by exactly the rules of
 * `POST /promotions/:id/approve|reject`, or a refusal), then tells Slack (the notice updated in
 * place, or an ephemeral reply to the clicker). A step that fails is left for the recovery loop,
 * which may also take over an interaction whose process died: a vote already in is recognised, never cast twice.
 */
@Injectable()
export class SlackDecisions implements OnModuleDestroy {
  private readonly logger = new Logger(SlackDecisions.name);
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly store: SlackInteractionStore,
    private readonly identities: SlackIdentitiesService,
    private readonly approvals: ApprovalsService,
    private readonly promotions: PromotionsService,
    private readonly responder: SlackResponder,
    private readonly transactions: Transactions,
  ) {}

  /** Works the interaction once the current request has answered (Slack wants its answer within 3 s). */
  start(interaction: SlackInteraction): void {
    const run = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.work(interaction));
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /** As far as it goes now; never throws. */
  async work(interaction: SlackInteraction): Promise<void> {
    try {
      const decided = interaction.status === 'received' ? await this.decide(interaction) : interaction;
      if (decided.status === 'decided') await this.reply(decided);
    } catch (err) {
      const retryAt = new Date(Date.now() + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** interaction.attempts));
      this.logger.warn({ err: describe(err), interaction_id: interaction.id, promotion_id: interaction.promotionId }, 'Slack interaction not finished; tried again later');
      await this.store.postpone(interaction.id, retryAt, describe(err)).catch(() => undefined);
    }
  }

  private async decide(i: SlackInteraction): Promise<SlackInteraction> {
    const { linked, approver } = await this.identities.approverFor(i.slackUserId);
    if (!approver) return this.refuse(i, { code: linked ? 'NOT_APPROVER' : 'NOT_LINKED', slackUserId: i.slackUserId, actor: linked?.actor });
    const origin = { via: 'slack', slack_user_id: i.slackUserId };
    try {
      if (i.decision === 'approve') await this.approvals.approve(i.promotionId, approver, APPROVE_COMMENT, origin);
      else await this.approvals.reject(i.promotionId, approver, REJECT_COMMENT, true, origin);
    } catch (err) {
      if (!(await this.votedAlready(i, approver.name))) {
        if (!(err instanceof PromotionError) || !REFUSED.has(err.code)) throw err;
        return this.refuse(i, { code: err.code as RefusalCode, slackUserId: i.slackUserId, actor: approver.name, detail: err.message.replace(/\.$/, '') });
      }
      // The vote is in (cast by this interaction before a crash, or before its apply failed): the promotion tells the rest.
    }
    this.logger.log({ interaction_id: i.id, promotion_id: i.promotionId, decision: i.decision, approver: approver.name }, 'Slack click decided');
    return this.store.decide(i.id, { outcome: 'voted', actor: approver.name });
  }

  private async refuse(i: SlackInteraction, refusal: Refusal): Promise<SlackInteraction> {
    this.logger.log({ interaction_id: i.id, promotion_id: i.promotionId, slack_user_id: i.slackUserId, refusal: refusal.code }, 'Slack click refused');
    return this.store.decide(i.id, { outcome: 'refused', actor: refusal.actor ?? null, refusalCode: refusal.code, refusalMessage: refusalText(refusal) });
  }

  /** This approver's vote of this kind, cast after the click was received: the click's own. */
  private async votedAlready(i: SlackInteraction, approver: string): Promise<boolean> {
    let approvals;
    try {
      approvals = (await this.promotions.get(i.promotionId)).approvals;
    } catch (err) {
      if (err instanceof PromotionError && err.code === PromotionErrorCode.PROMOTION_NOT_FOUND) return false;
      throw err;
    }
    return approvals.some((a) => a.approver === approver && a.decision === i.decision && a.createdAt >= i.receivedAt);
  }

  private async reply(i: SlackInteraction): Promise<void> {
    if (i.outcome === 'refused') return this.send(i, { response_type: 'ephemeral', replace_original: false, text: i.refusalMessage ?? 'Nothing was done.' });
    try {
      // One update of a promotion's messages at a time, so that an older status never lands after a newer one.
      await this.transactions.withSessionLock(`slack-reply:${i.promotionId}`, REPLY_LOCK_WAIT_MS, async () => {
        const p = await this.promotions.get(i.promotionId);
        if (!UNSETTLED.includes(p.status)) return this.send(i, updatedMessage(i.message, p));
        if (Date.now() - i.receivedAt.getTime() > RESPONSE_URL_LIFETIME_MS) return this.store.finish(i.id, `the promotion was still ${p.status} when Slack's response_url expired`);
        await this.store.postpone(i.id, new Date(Date.now() + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** i.attempts)), `waiting for the promotion (${p.status}) to settle`);
      });
    } catch (err) {
      throw err instanceof LockTimeoutError ? new Error('another reply about this promotion is being posted') : err;
    }
  }

  /** Posts the reply and finishes the interaction; a reply Slack refuses for good (e.g. an expired URL) is given up. */
  private async send(i: SlackInteraction, reply: SlackReply): Promise<void> {
    try {
      await this.responder.reply(i.responseUrl, reply);
    } catch (err) {
      const expired = Date.now() - i.receivedAt.getTime() > RESPONSE_URL_LIFETIME_MS;
      if (!(err instanceof DeliveryError) || !(err.permanent || expired)) throw err;
      this.logger.warn({ interaction_id: i.id, error: err.message }, 'Slack refused the reply to an interaction; given up');
      return this.store.finish(i.id, err.message);
    }
    await this.store.finish(i.id);
  }
}
