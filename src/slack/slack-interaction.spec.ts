import { FakeSlackApp } from '../../test/fakes/slack/slack-clicks';
import type { SlackSink } from '../../test/fakes/slack/slack-sink';
import type { ApprovalNotice } from '../notifications/notification.types';
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from '../notifications/templates/approval-actions';
import { renderApprovalSlack } from '../notifications/templates/approval-notice';
import { readInteraction } from './slack-interaction';

const PROMOTION_ID = '6f1c1f52-6a0e-4c3a-9a51-0d3a2f0f1a01';
const RESPONSE_URL = 'https://hooks.slack.com/actions/T0MODELGATE/1764100600/abc';
const notice: ApprovalNotice = {
  promotion_id: PROMOTION_ID,
  project: 'churn',
  model: 'churn-classifier',
  version: '7',
  from_stage: 'Staging',
  to_stage: 'Production',
  requested_by: 'alice',
  reason: 'better',
  approvals_required: 2,
  approvals_given: 0,
  expires_at: null,
  verdict: { allowed: true, rules: [] },
};
const message = renderApprovalSlack(notice, { buttons: true });
const slack = new FakeSlackApp('secret', { responseUrl: () => RESPONSE_URL } as SlackSink);
const formOf = (payload: unknown) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
/** A click on Approve, with `change` applied to Slack's payload. */
const approveWith = (change: (payload: any) => void) => {
  const { payload } = slack.click(message, 'U0BOB', APPROVE_ACTION_ID);
  change(payload);
  return formOf(payload);
};

describe('readInteraction', () => {
  it('reads a click on Approve of a notice: who, which promotion, where to reply, and the message it was on', () => {
    const click = slack.click(message, 'U0BOB', APPROVE_ACTION_ID, { actionTs: '1764100601.123456' });
    expect(readInteraction(click.body)).toEqual({
      click: {
        actionKey: 'U0BOB:1764100601.123456',
        slackUserId: 'U0BOB',
        decision: 'approve',
        promotionId: PROMOTION_ID,
        responseUrl: RESPONSE_URL,
        message: { text: message.text, blocks: message.blocks },
      },
    });
  });

  it('reads a click on Reject as a rejection', () => {
    expect(readInteraction(slack.click(message, 'W0CAROL', REJECT_ACTION_ID).body)).toMatchObject({ click: { decision: 'reject', slackUserId: 'W0CAROL', promotionId: PROMOTION_ID } });
  });

  it('gives a repeated delivery of one click the same key, and two clicks different keys', () => {
    const first = slack.click(message, 'U0BOB', APPROVE_ACTION_ID);
    const again = slack.redeliver(first);
    const second = slack.click(message, 'U0BOB', APPROVE_ACTION_ID);
    const keyOf = (body: string) => (readInteraction(body) as { click: { actionKey: string } }).click.actionKey;
    expect(keyOf(again.body)).toBe(keyOf(first.body));
    expect(keyOf(second.body)).not.toBe(keyOf(first.body));
    expect(keyOf(slack.click(message, 'U0DAVE', APPROVE_ACTION_ID, { actionTs: first.payload.actions[0].action_ts }).body)).not.toBe(keyOf(first.body));
  });

  it('reads a click without the message (it is only needed to update it)', () => {
    expect(readInteraction(approveWith((p) => delete p.message))).toMatchObject({ click: { decision: 'approve', message: undefined } });
  });

  it.each([
    ['no form field payload', 'token=x&user_id=U0BOB'],
    ['a payload that is not JSON', 'payload=%7Bnot+json'],
    ['a JSON payload that is not an object', formOf(['block_actions'])],
    ['a modal submission', formOf({ type: 'view_submission', user: { id: 'U0BOB' } })],
    ['a shortcut', formOf({ type: 'shortcut', user: { id: 'U0BOB' } })],
    ['another button', approveWith((p) => (p.actions[0].action_id = 'open_dashboard'))],
    ['an action id from Object.prototype', approveWith((p) => (p.actions[0].action_id = '__proto__'))],
    ['no action at all', approveWith((p) => (p.actions = []))],
    ['a value that is not a promotion id', approveWith((p) => (p.actions[0].value = '../../api-keys'))],
    ['no user id', approveWith((p) => delete p.user)],
    ['a user id that is not Slack’s', approveWith((p) => (p.user.id = 'bob'))],
    ['no action_ts', approveWith((p) => delete p.actions[0].action_ts)],
    ['no response_url', approveWith((p) => delete p.response_url)],
    ['a response_url that is not http(s)', approveWith((p) => (p.response_url = 'file:///etc/passwd'))],
  ])('ignores %s', (_, body) => {
    expect(readInteraction(body)).toEqual({ ignored: expect.any(String) });
  });
});
