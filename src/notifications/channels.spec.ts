import { classifySesError } from './email/ses-mailer';
import { classifySlackAnswer, parseRetryAfter } from './slack/slack-webhook';

describe('Slack answers', () => {
  it('reads Retry-After in seconds or as a date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });

  it('retries 429 after Retry-After and 5xx; gives up on other 4xx', () => {
    expect(classifySlackAnswer(429, 'rate_limited', '2')).toMatchObject({ permanent: false, retryAfterMs: 2000 });
    expect(classifySlackAnswer(503, 'oops', undefined)).toMatchObject({ permanent: false });
    for (const [status, body] of [
      [403, 'invalid_token'],
      [410, 'channel_is_archived'],
      [404, 'no_service'],
      [400, 'invalid_payload'],
    ] as const) {
      const err = classifySlackAnswer(status, body, undefined);
      expect(err.permanent).toBe(true);
      expect(err.message).toBe(`Slack answered HTTP ${status}: ${body}`);
    }
  });
});

describe('SES errors', () => {
  const sdkError = (name: string, status?: number, fault?: 'client' | 'server') =>
    Object.assign(new Error(`${name} happened`), { name, $fault: fault, $metadata: status ? { httpStatusCode: status } : {} });

  it('retries throttling, server faults and network failures', () => {
    expect(classifySesError(sdkError('Throttling', 400, 'client')).permanent).toBe(false);
    expect(classifySesError(sdkError('InternalFailure', 500, 'server')).permanent).toBe(false);
    expect(classifySesError(sdkError('TimeoutError')).permanent).toBe(false);
    expect(classifySesError(new Error('socket hang up')).permanent).toBe(false);
  });

  it('gives up on a rejected message or an unverified sender', () => {
    const err = classifySesError(sdkError('MessageRejected', 400, 'client'));
    expect(err.permanent).toBe(true);
    expect(err.message).toBe('SES MessageRejected (HTTP 400): MessageRejected happened');
    expect(classifySesError(sdkError('MailFromDomainNotVerifiedException', 400, 'client')).permanent).toBe(true);
  });
});
