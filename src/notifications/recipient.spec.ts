import { makeNotice } from '../../test/fixtures/events/factories';
import { approvalNoticeOf } from './approval-notices';
import { approvalOutboxItems, parseRecipient, pipelineRunOutboxItems } from './recipient';

describe('recipients', () => {
  it('tells e-mail addresses from Slack channels', () => {
    expect(parseRecipient('ml-team@rentcars.com')).toEqual({ kind: 'email', address: 'ml-team@rentcars.com' });
    expect(parseRecipient(' slack:ml-alerts ')).toEqual({ kind: 'slack', channel: 'ml-alerts' });
    expect(parseRecipient('slack:')).toBeUndefined();
    expect(parseRecipient('not an address')).toBeUndefined();
    expect(parseRecipient('a@b.c, d@e.f')).toBeUndefined();
  });

  it('makes one outbox row per distinct recipient, keyed by execution, status, redrive count and recipient', () => {
    const notice = makeNotice();
    const items = pipelineRunOutboxItems(notice, ['ml-team@rentcars.com', 'ML-Team@rentcars.com', 'slack:ml-alerts', 'junk']);
    expect(items.map((i) => [i.kind, i.recipient])).toEqual([
      ['email', 'ml-team@rentcars.com'],
      ['slack', 'slack:ml-alerts'],
    ]);
    expect(items[0].dedupeKey).toBe(`pipeline_run|${notice.execution_arn}|FAILED|0|ml-team@rentcars.com`);
    expect(items[0]).toMatchObject({ project: 'recsys', executionArn: notice.execution_arn, payload: { type: 'pipeline_run', notice } });
  });

  it('gives a redriven failure new keys', () => {
    const first = pipelineRunOutboxItems(makeNotice(), ['a@b.co'])[0].dedupeKey;
    const again = pipelineRunOutboxItems(makeNotice({ redrive_count: 1 }), ['a@b.co'])[0].dedupeKey;
    expect(again).not.toBe(first);
  });

  it('makes one approver notice per distinct recipient and promotion', () => {
    const notice = approvalNoticeOf({
      id: 'p-1',
      kind: 'promotion',
      model: 'm',
      version: '3',
      project: 'churn',
      fromStage: 'Staging',
      toStage: 'Production',
      requestedBy: 'alice',
      reason: 'ok',
      approvalsRequired: 2,
      expiresAt: new Date('2026-11-26T00:00:00Z'),
      archivedVersions: [],
      verdict: { allowed: true, rules: [{ rule: 'metric:auc', passed: true, message: 'auc fine', observed: 0.9, required: '>= 0.8' } as never] },
    });
    const items = approvalOutboxItems(notice, ['Ops@Rentcars.com', 'ops@rentcars.com', 'slack:ml-approvals', 'junk']);
    expect(items.map((i) => [i.kind, i.recipient, i.dedupeKey])).toEqual([
      ['email', 'Ops@Rentcars.com', 'approval_needed|p-1|ops@rentcars.com'],
      ['slack', 'slack:ml-approvals', 'approval_needed|p-1|slack:ml-approvals'],
    ]);
    expect(notice).toMatchObject({ approvals_required: 2, approvals_given: 0, expires_at: '2026-11-26T00:00:00.000Z', verdict: { rules: [{ rule: 'metric:auc', passed: true, message: 'auc fine' }] } });
    expect(Object.keys(notice.verdict.rules[0])).toEqual(['rule', 'passed', 'message']);
  });
});
