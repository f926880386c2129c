import { SlackSink } from '../fakes/slack/slack-sink';
import type { AppConfig } from '../../src/config/app-config';
import { DeliveryError } from '../../src/outbox/outbox.types';
import { REPLY_ATTEMPTS, SlackResponder } from '../../src/slack/slack-responder';

/** Through real HTTP to the Slack sink; the waits between attempts are recorded, not slept. */
describe('SlackResponder', () => {
  let sink: SlackSink;
  const responder = new SlackResponder({ outbox: { sendTimeoutMs: 2000 } } as AppConfig);
  const reply = { replace_original: false, response_type: 'ephemeral' as const, text: 'Nothing was done.' };
  const send = async (url: string) => {
    const waits: number[] = [];
    const error = await responder.reply(url, reply, async (ms) => void waits.push(ms)).then(() => undefined, (err: unknown) => err);
    return { waits, error: error as DeliveryError | undefined, statuses: sink.replies.filter((r) => url.endsWith(r.id)).map((r) => r.status) };
  };

  beforeAll(async () => {
    sink = await SlackSink.start();
  });
  afterEach(() => sink.reset());
  afterAll(async () => {
    await sink.close();
  });

  it('posts the reply as JSON once when Slack takes it', async () => {
    const url = sink.responseUrl();
    expect(await send(url)).toEqual({ waits: [], error: undefined, statuses: [200] });
    expect(sink.repliesTo(url)[0].body).toEqual(reply);
  });

  it('waits out a 429 Retry-After, and backs off after 5xx', async () => {
    sink.failNext(1, { status: 429, retryAfter: '2', body: 'rate_limited' });
    sink.failNext(1, { status: 502 });
    expect(await send(sink.responseUrl())).toEqual({ waits: [2000, 1000], error: undefined, statuses: [429, 502, 200] });
  });

  it(`gives up after ${REPLY_ATTEMPTS} failed attempts, as retryable (the recovery loop tries later)`, async () => {
    sink.failAlways({ status: 500 });
    const url = sink.responseUrl();
    const { waits, error, statuses } = await send(url);
    expect({ waits, statuses, permanent: error?.permanent }).toEqual({ waits: [250, 1000], statuses: [500, 500, 500], permanent: false });
    expect(error?.message).not.toContain(url.split('/').pop());
  });

  it('gives up at once on a refusal (an expired response_url), as permanent', async () => {
    sink.failNext(1, { status: 404, body: 'expired_url' });
    const { waits, error, statuses } = await send(sink.responseUrl());
    expect({ waits, statuses, permanent: error?.permanent, message: error?.message }).toEqual({ waits: [], statuses: [404], permanent: true, message: 'Slack answered HTTP 404: expired_url' });
  });

  it('leaves a long Retry-After to the recovery loop instead of waiting for it', async () => {
    sink.failNext(1, { status: 429, retryAfter: '60' });
    const { waits, error } = await send(sink.responseUrl());
    expect({ waits, permanent: error?.permanent, retryAfterMs: error?.retryAfterMs }).toEqual({ waits: [], permanent: false, retryAfterMs: 60_000 });
  });

  it('says only that Slack is unreachable, never where', async () => {
    const { error } = await send('http://127.0.0.1:9/actions/T0/1/secret-token');
    expect(error?.message).toMatch(/^Slack not reachable \(/);
    expect(error?.message).not.toContain('secret-token');
  });
});
