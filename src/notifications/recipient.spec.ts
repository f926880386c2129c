import { makeNotice } from '../../test/fixtures/events/factories';
import { parseRecipient, pipelineRunOutboxItems } from './recipient';

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
});
