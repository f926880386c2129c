import { APPROVE_ACTION_ID, DECISION_BLOCK_ID, REJECT_ACTION_ID } from '../notifications/templates/approval-actions';
import type { SlackMessage } from '../notifications/templates/pipeline-slack';
import type { Approval } from '../promotions/promotion';
import { PromotionOnMessage, STATUS_BLOCK_ID, decisionStatus, refusalReply, refusalText, updatedMessage } from './decision-message';

const vote = (approver: string, decision: Approval['decision'] = 'approve'): Approval => ({ approver, decision, comment: null, createdAt: new Date(0) });
const promotion = (change: Partial<PromotionOnMessage> = {}): PromotionOnMessage => ({
  id: '6f1c1f52-6a0e-4c3a-9a51-0d3a2f0f1a01',
  model: 'credit',
  version: '3',
  fromStage: 'Staging',
  toStage: 'Production',
  status: 'pending_approval',
  approvals: [],
  approvalsRequired: 2,
  archivedVersions: [],
  failure: null,
  requestedBy: 'alice',
  ...change,
});
/** A notice as Slack hands it back: its own block ids on our blocks, our buttons last. */
const notice: SlackMessage = {
  text: ':raised_hand: approval needed: credit version 3 → Production',
  blocks: [
    { type: 'header', block_id: 'Xa1', text: { type: 'plain_text', text: 'Approval needed' } },
    { type: 'section', block_id: 'Xa2', text: { type: 'mrkdwn', text: '*Model*\ncredit' } },
    { type: 'actions', block_id: DECISION_BLOCK_ID, elements: [{ action_id: APPROVE_ACTION_ID }, { action_id: REJECT_ACTION_ID }] },
  ],
};
const blockIds = (m: { blocks?: Record<string, unknown>[] }) => (m.blocks ?? []).map((b) => b.block_id);
const statusOf = (m: { blocks?: Record<string, unknown>[] }) => (m.blocks?.find((b) => b.block_id === STATUS_BLOCK_ID) as { text: { text: string } }).text.text;

describe('decisionStatus', () => {
  it.each<[string, Partial<PromotionOnMessage>, string, boolean]>([
    ['no vote yet', {}, 'Awaiting approval — 0 of 2', true],
    ['one approval of two', { approvals: [vote('bob')] }, 'Approved by bob — 1 of 2', true],
    ['two of three', { approvalsRequired: 3, approvals: [vote('bob'), vote('dave')] }, 'Approved by bob, dave — 2 of 3', true],
    ['all votes in, being applied', { status: 'applying', approvals: [vote('bob'), vote('carol')] }, 'Approved by bob, carol — 2 of 2: applying v3 to Production', false],
    ['applied', { status: 'completed', approvals: [vote('bob'), vote('carol')] }, 'Applied: v3 is in Production', false],
    ['rejected, candidate archived', { status: 'rejected', approvals: [vote('bob'), vote('carol', 'reject')], archivedVersions: ['3'] }, 'Rejected by carol: v3 is archived', false],
    ['rejected, left in Staging', { status: 'rejected', approvals: [vote('carol', 'reject')] }, 'Rejected by carol', false],
    ['failed', { status: 'failed', failure: 'stale: version 3 is now in Archived' }, 'Not applied: stale: version 3 is now in Archived', false],
    ['expired', { status: 'expired', approvals: [vote('bob')] }, 'Expired with 1 of 2 approvals', false],
    ['cancelled', { status: 'cancelled' }, 'Cancelled: the promotion was withdrawn', false],
  ])('%s: %s', (_, change, text, buttons) => {
    expect(decisionStatus(promotion(change))).toEqual({ text, buttons });
  });
});

describe('updatedMessage', () => {
  it('while votes are missing: the notice as it was, the tally, and the buttons again, last', () => {
    const reply = updatedMessage(notice, promotion({ approvals: [vote('bob')] }));
    expect(reply.replace_original).toBe(true);
    expect(reply.text).toBe(notice.text);
    expect(blockIds(reply)).toEqual(['Xa1', 'Xa2', STATUS_BLOCK_ID, DECISION_BLOCK_ID]);
    expect(statusOf(reply)).toBe('*Approved by bob — 1 of 2*');
    const buttons = reply.blocks![3] as { elements: { action_id: string; value: string }[] };
    expect(buttons.elements.map((e) => [e.action_id, e.value])).toEqual([
      [APPROVE_ACTION_ID, '6f1c1f52-6a0e-4c3a-9a51-0d3a2f0f1a01'],
      [REJECT_ACTION_ID, '6f1c1f52-6a0e-4c3a-9a51-0d3a2f0f1a01'],
    ]);
  });

  it('once decided: the buttons are replaced by the outcome', () => {
    const reply = updatedMessage(notice, promotion({ status: 'completed', approvals: [vote('bob'), vote('carol')] }));
    expect(blockIds(reply)).toEqual(['Xa1', 'Xa2', STATUS_BLOCK_ID]);
    expect(statusOf(reply)).toBe('*Applied: v3 is in Production*');
  });

  it('replaces the status line of an earlier update instead of adding a second one', () => {
    const first = updatedMessage(notice, promotion({ approvals: [vote('bob')] }));
    const second = updatedMessage({ text: first.text, blocks: first.blocks! }, promotion({ status: 'rejected', approvals: [vote('bob'), vote('carol', 'reject')] }));
    expect(blockIds(second)).toEqual(['Xa1', 'Xa2', STATUS_BLOCK_ID]);
    expect(statusOf(second)).toBe('*Rejected by carol*');
  });

  it('escapes names in mrkdwn, and stands alone when Slack did not send the message', () => {
    const reply = updatedMessage(undefined, promotion({ approvals: [vote('<!channel>')] }));
    expect(statusOf(reply)).toBe('*Approved by &lt;!channel&gt; — 1 of 2*');
    expect(reply.text).toBe('Approved by <!channel> — 1 of 2');
    expect(blockIds(reply)).toEqual([STATUS_BLOCK_ID, DECISION_BLOCK_ID]);
  });
});

describe('refusals', () => {
  it('go to the clicker alone and leave the message as it was', () => {
    expect(refusalReply({ code: 'SELF_APPROVAL', slackUserId: 'U0ALICE', actor: 'alice' })).toEqual({
      response_type: 'ephemeral',
      replace_original: false,
      text: 'Nothing was done: you (alice) requested this promotion; another approver must decide.',
    });
  });

  it('say why, and how to get linked', () => {
    expect(refusalText({ code: 'NOT_LINKED', slackUserId: 'U0ERIN' })).toContain('not linked to a modelgate approver');
    expect(refusalText({ code: 'NOT_LINKED', slackUserId: 'U0ERIN' })).toContain('PUT /slack-identities/U0ERIN');
    expect(refusalText({ code: 'NOT_APPROVER', slackUserId: 'U0DAVE', actor: 'dave' })).toContain('dave is not an approver in modelgate');
    expect(refusalText({ code: 'ALREADY_DECIDED', slackUserId: 'U0BOB', actor: 'bob' })).toContain('you (bob) already decided');
    expect(refusalText({ code: 'NOT_PENDING', slackUserId: 'U0BOB', actor: 'bob', detail: 'Promotion 6f1c is completed, not pending approval' })).toBe(
      'Nothing was done: Promotion 6f1c is completed, not pending approval.',
    );
  });
});
