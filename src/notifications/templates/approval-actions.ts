import type { ApprovalNotice } from '../notification.types';
import { truncate } from './pipeline-facts';
import { escapeMrkdwn } from './pipeline-slack';

/** The buttons' `action_id`s: Slack sends them back to `POST /slack/interactions`, which acts on them. */
export const APPROVE_ACTION_ID = 'modelgate_approve';
export const REJECT_ACTION_ID = 'modelgate_reject';
/** The buttons block's `block_id`, so that an update of the message finds and replaces it. */
export const DECISION_BLOCK_ID = 'modelgate_decision';

/** What the buttons need to know of the promotion. */
export type DecisionTarget = Pick<ApprovalNotice, 'promotion_id' | 'model' | 'version' | 'from_stage' | 'to_stage'>;

const plain = (text: string, max: number) => ({ type: 'plain_text', text: truncate(text, max), emoji: true });

/** Pure: the Approve and Reject buttons of an approver notice; both carry the promotion id, Reject asks first. */
export function approvalActionsBlock(n: DecisionTarget): Record<string, unknown> {
  const archives = n.from_stage === 'Staging' && n.to_stage === 'Production' ? ` Version ${n.version} will be archived.` : '';
  return {
    type: 'actions',
    block_id: DECISION_BLOCK_ID,
    elements: [
      { type: 'button', action_id: APPROVE_ACTION_ID, text: plain('Approve', 75), style: 'primary', value: n.promotion_id },
      {
        type: 'button',
        action_id: REJECT_ACTION_ID,
        text: plain('Reject', 75),
        style: 'danger',
        value: n.promotion_id,
        confirm: {
          title: plain('Reject this promotion?', 100),
          text: { type: 'mrkdwn', text: truncate(`Reject ${escapeMrkdwn(n.model)} version ${n.version} → ${n.to_stage}?${archives}`, 300) },
          confirm: plain('Reject', 30),
          deny: plain('Cancel', 30),
          style: 'danger',
        },
      },
    ],
  };
}
