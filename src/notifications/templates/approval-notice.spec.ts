import type { ApprovalNotice } from '../notification.types';
import { APPROVE_ACTION_ID, DECISION_BLOCK_ID, REJECT_ACTION_ID } from './approval-actions';
import { approvalCalls, approvalSubject, approvalsMissing, renderApprovalEmail, renderApprovalSlack } from './approval-notice';

const notice = (overrides: Partial<ApprovalNotice> = {}): ApprovalNotice => ({
  promotion_id: '6f1c1f52-6a0e-4c3a-9a51-0d3a2f0f1a01',
  project: 'churn',
  model: 'churn-classifier',
  version: '7',
  from_stage: 'Staging',
  to_stage: 'Production',
  requested_by: 'alice',
  reason: 'beats v6 on roc_auc <by far> & "f1"',
  approvals_required: 2,
  approvals_given: 0,
  expires_at: '2026-11-26T15:00:00.000Z',
  verdict: {
    allowed: true,
    rules: [
      { rule: 'metric:roc_auc', passed: true, message: 'roc_auc 0.91 meets the required >= 0.85' },
      { rule: 'min_hours_in_staging', passed: true, message: 'in Staging for 30 hours; the required is 24' },
    ],
  },
  ...overrides,
});

describe('approval notice templates', () => {
  it('subject names project, model, version and target stage, on one line', () => {
    expect(approvalSubject(notice())).toBe('[churn] approval needed: churn-classifier version 7 → Production');
    expect(approvalSubject(notice({ project: null, model: 'a\nb' }))).toBe('approval needed: a b version 7 → Production');
  });

  it('counts the approvals still missing', () => {
    expect(approvalsMissing(notice())).toBe(2);
    expect(approvalsMissing(notice({ approvals_given: 1 }))).toBe(1);
    expect(approvalsMissing(notice({ approvals_given: 3 }))).toBe(0);
  });

  it('gives the approve and reject calls for this promotion', () => {
    const calls = approvalCalls(notice());
    expect(calls.approve.split('\n')[0]).toBe('curl -X POST "$MODELGATE_URL/promotions/6f1c1f52-6a0e-4c3a-9a51-0d3a2f0f1a01/approve" \\');
    expect(calls.reject).toContain('/promotions/6f1c1f52-6a0e-4c3a-9a51-0d3a2f0f1a01/reject');
    expect(calls.approve).toContain('Authorization: Bearer $MODELGATE_API_KEY');
  });

  it('e-mail lists every fact, the verdict and the calls, with HTML escaped', () => {
    const { text, html } = renderApprovalEmail(notice());
    for (const line of [
      'Project:        churn',
      'Transition:     Staging → Production',
      'Requested by:   alice',
      'Approvals:      2 missing (0 of 2 given)',
      'Expires:        2026-11-26 15:00:00 UTC',
      '  [pass] roc_auc 0.91 meets the required >= 0.85',
      'An approver other than alice (approver role) decides.',
    ]) {
      expect(text).toContain(line);
    }
    expect(text).toContain('  curl -X POST "$MODELGATE_URL/promotions/6f1c1f52-6a0e-4c3a-9a51-0d3a2f0f1a01/reject" \\');
    expect(html).toContain('beats v6 on roc_auc &lt;by far&gt; &amp; &quot;f1&quot;');
    expect(html).not.toContain('<by far>');
  });

  it('says when no rule was checked, and marks failing rules', () => {
    expect(renderApprovalEmail(notice({ verdict: { allowed: true, rules: [], note: 'no policy for Production' } })).text).toContain('  no policy for Production');
    const failing = notice({ verdict: { allowed: false, rules: [{ rule: 'metric:f1', passed: false, message: 'f1 0.6 is below the required >= 0.7' }] } });
    expect(renderApprovalEmail(failing).text).toContain('  [FAIL] f1 0.6 is below the required >= 0.7');
  });

  it('Slack message carries the same facts within Slack limits, mrkdwn escaped', () => {
    const message = renderApprovalSlack(notice());
    const json = JSON.stringify(message);
    expect(message.text).toBe(':raised_hand: [churn] approval needed: churn-classifier version 7 → Production');
    expect(json).toContain('2 missing (0 of 2 given)');
    expect(json).toContain('/promotions/6f1c1f52-6a0e-4c3a-9a51-0d3a2f0f1a01/approve');
    expect(json).toContain('&lt;by far&gt; &amp;');
    const fields = (message.blocks[1] as { fields: unknown[] }).fields;
    expect(fields.length).toBeLessThanOrEqual(10);
  });

  it('links to the promotion in the console when the notice carries its page, by e-mail and Slack', () => {
    const url = 'https://modelgate.rentcars.com/console/promotions/6f1c1f52-6a0e-4c3a-9a51-0d3a2f0f1a01';
    const email = renderApprovalEmail(notice({ console_url: url }));
    expect(email.text).toContain(`Decide in the console: ${url}`);
    expect(email.html).toContain(`<a href="${url}">Open the promotion in the modelgate console</a>`);
    const slack = JSON.stringify(renderApprovalSlack(notice({ console_url: url })));
    expect(slack).toContain(`<${url}|Open the promotion in the modelgate console>`);

    expect(renderApprovalEmail(notice()).text).not.toContain('console');
    expect(JSON.stringify(renderApprovalSlack(notice()))).not.toContain('console');
  });

  it('keeps a console link whole in Slack and HTML whatever its URL holds', () => {
    const url = 'https://mg.example.com/a|b?x=1&y=<2>';
    expect(JSON.stringify(renderApprovalSlack(notice({ console_url: url })))).toContain('<https://mg.example.com/a%7Cb?x=1&amp;y=&lt;2&gt;|');
    expect(renderApprovalEmail(notice({ console_url: url })).html).toContain('href="https://mg.example.com/a|b?x=1&amp;y=&lt;2&gt;"');
  });

  it('Slack message has no buttons unless asked (no SLACK_SIGNING_SECRET: nothing could verify a click)', () => {
    for (const message of [renderApprovalSlack(notice()), renderApprovalSlack(notice(), { buttons: false })]) {
      expect(message).toEqual(renderApprovalSlack(notice()));
      expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'section']);
    }
  });

  it('with buttons, ends with Approve and Reject carrying the promotion id; Reject asks to confirm the archiving', () => {
    const plainMessage = renderApprovalSlack(notice());
    const message = renderApprovalSlack(notice(), { buttons: true });
    expect(message.blocks.slice(0, -1)).toEqual(plainMessage.blocks);
    const actions = message.blocks[message.blocks.length - 1] as { type: string; block_id: string; elements: any[] };
    expect(actions).toMatchObject({ type: 'actions', block_id: DECISION_BLOCK_ID });
    const [approve, reject] = actions.elements;
    expect(approve).toMatchObject({ type: 'button', action_id: APPROVE_ACTION_ID, style: 'primary', value: '6f1c1f52-6a0e-4c3a-9a51-0d3a2f0f1a01', text: { text: 'Approve' } });
    expect(approve.confirm).toBeUndefined();
    expect(reject).toMatchObject({ type: 'button', action_id: REJECT_ACTION_ID, style: 'danger', value: '6f1c1f52-6a0e-4c3a-9a51-0d3a2f0f1a01', text: { text: 'Reject' } });
    expect(reject.confirm).toMatchObject({ title: { text: 'Reject this promotion?' }, confirm: { text: 'Reject' }, deny: { text: 'Cancel' } });
    expect(reject.confirm.text.text).toBe('Reject churn-classifier version 7 → Production? Version 7 will be archived.');
    const toStaging = renderApprovalSlack(notice({ from_stage: 'None', to_stage: 'Staging' }), { buttons: true });
    expect(JSON.stringify(toStaging.blocks[toStaging.blocks.length - 1])).not.toContain('archived');
  });
});
