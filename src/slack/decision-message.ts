import { DECISION_BLOCK_ID, approvalActionsBlock } from '../notifications/templates/approval-actions';
import { truncate } from '../notifications/templates/pipeline-facts';
import { SlackMessage, escapeMrkdwn } from '../notifications/templates/pipeline-slack';
import type { Promotion, PromotionStatus } from '../promotions/promotion';

/** The status line's `block_id`, so that the next update replaces it. */
export const STATUS_BLOCK_ID = 'modelgate_status';

/** A promotion whose outcome is being applied: the message waits for it. */
export const UNSETTLED: readonly PromotionStatus[] = ['approved', 'applying', 'rejecting'];

/** A POST to an interaction's response_url. */
export interface SlackReply {
  replace_original: boolean;
  response_type?: 'ephemeral';
  text: string;
  blocks?: Record<string, unknown>[];
}

export type PromotionOnMessage = Pick<
  Promotion,
  'id' | 'model' | 'version' | 'fromStage' | 'toStage' | 'status' | 'approvals' | 'approvalsRequired' | 'archivedVersions' | 'failure' | 'requestedBy'
>;

/** Why a click did nothing; told to the clicker alone. */
export type RefusalCode = 'NOT_LINKED' | 'NOT_APPROVER' | 'SELF_APPROVAL' | 'ALREADY_DECIDED' | 'NOT_PENDING' | 'PROMOTION_NOT_FOUND';

export interface Refusal {
  code: RefusalCode;
  slackUserId: string;
  /** The approver the Slack user is linked to, when known. */
  actor?: string;
  /** The use case's own words (NOT_PENDING, PROMOTION_NOT_FOUND). */
  detail?: string;
}

const names = (list: string[]) => list.join(', ');

/** Pure: the status line a notice shows for the promotion, and whether its buttons stay. */
export function decisionStatus(p: PromotionOnMessage): { text: string; buttons: boolean } {
  const approvers = p.approvals.filter((a) => a.decision === 'approve').map((a) => a.approver);
  const rejecter = p.approvals.find((a) => a.decision === 'reject')?.approver;
  const tally = `${approvers.length} of ${p.approvalsRequired}`;
  switch (p.status) {
    case 'pending_approval':
      return { text: approvers.length ? `Approved by ${names(approvers)} — ${tally}` : `Awaiting approval — ${tally}`, buttons: true };
    case 'approved':
    case 'applying':
      return { text: `Approved by ${names(approvers)} — ${tally}: applying v${p.version} to ${p.toStage}`, buttons: false };
    case 'completed':
      return { text: `Applied: v${p.version} is in ${p.toStage}`, buttons: false };
    case 'rejecting':
      return { text: `Rejected by ${rejecter ?? p.requestedBy}: archiving v${p.version}`, buttons: false };
    case 'rejected':
      return { text: `Rejected by ${rejecter ?? p.requestedBy}${p.archivedVersions.includes(p.version) ? `: v${p.version} is archived` : ''}`, buttons: false };
    case 'failed':
      return { text: `Not applied: ${p.failure ?? 'the promotion failed'}`, buttons: false };
    case 'cancelled':
      return { text: 'Cancelled: the promotion was withdrawn', buttons: false };
    case 'expired':
      return { text: `Expired with ${tally} approvals`, buttons: false };
    case 'denied':
      return { text: 'Denied by the policy', buttons: false };
  }
}

/**
 * Pure: the notice the button was on, updated in place: the earlier status line and buttons are
 * dropped, the current status added, and the buttons again while votes are still missing.
 */
export function updatedMessage(original: SlackMessage | undefined, p: PromotionOnMessage): SlackReply {
  const status = decisionStatus(p);
  const kept = (original?.blocks ?? []).filter((b) => b.block_id !== DECISION_BLOCK_ID && b.block_id !== STATUS_BLOCK_ID);
  const line = { type: 'section', block_id: STATUS_BLOCK_ID, text: { type: 'mrkdwn', text: truncate(`*${escapeMrkdwn(status.text)}*`, 3000) } };
  const buttons = status.buttons
    ? [approvalActionsBlock({ promotion_id: p.id, model: p.model, version: p.version, from_stage: p.fromStage, to_stage: p.toStage })]
    : [];
  return { replace_original: true, text: original?.text || status.text, blocks: [...kept, line, ...buttons] };
}

/** Pure: what the clicker alone reads when the click did nothing. */
export function refusalText(r: Refusal): string {
  const you = r.actor ? `you (${r.actor})` : 'you';
  switch (r.code) {
    case 'NOT_LINKED':
      return `Nothing was done: your Slack account is not linked to a modelgate approver. An admin can link it: PUT /slack-identities/${r.slackUserId}.`;
    case 'NOT_APPROVER':
      return `Nothing was done: ${r.actor ?? 'the key your Slack account is linked to'} is not an approver in modelgate (its key is revoked or lacks the approver role).`;
    case 'SELF_APPROVAL':
      return `Nothing was done: ${you} requested this promotion; another approver must decide.`;
    case 'ALREADY_DECIDED':
      return `Nothing was done: ${you} already decided on this promotion; each approver has one vote.`;
    case 'NOT_PENDING':
    case 'PROMOTION_NOT_FOUND':
      return `Nothing was done: ${r.detail ?? 'the promotion is no longer pending approval'}.`;
  }
}

/** Pure: the ephemeral reply of a refusal; the message itself is left as it was. */
export function refusalReply(r: Refusal): SlackReply {
  return { response_type: 'ephemeral', replace_original: false, text: refusalText(r) };
}
