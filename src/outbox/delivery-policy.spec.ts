import { MAX_RETRY_DELAY_MS, decideDelivery, retryDelayMs } from './delivery-policy';

describe('delivery policy', () => {
  it('backs off exponentially with jitter in the upper half', () => {
    expect(retryDelayMs(1, 1000, () => 0)).toBe(500);
    expect(retryDelayMs(1, 1000, () => 1)).toBe(1000);
    expect(retryDelayMs(3, 1000, () => 0)).toBe(2000);
    expect(retryDelayMs(3, 1000, () => 1)).toBe(4000);
    expect(retryDelayMs(40, 1000, () => 1)).toBe(MAX_RETRY_DELAY_MS);
  });

  const policy = { maxAttempts: 3, baseMs: 1000, random: () => 1 };

  it('records a delivery', () => {
    expect(decideDelivery({ result: 'delivered' }, 1, policy)).toEqual({ status: 'delivered', error: null, delayMs: 0 });
  });

  it('retries a transient failure with backoff, and honours Retry-After', () => {
    expect(decideDelivery({ result: 'retry', error: 'HTTP 500' }, 2, policy)).toEqual({ status: 'pending', error: 'HTTP 500', delayMs: 2000 });
    expect(decideDelivery({ result: 'retry', error: '429', retryAfterMs: 7000 }, 1, policy)).toEqual({
      status: 'pending',
      error: '429',
      delayMs: 7000,
    });
  });

  it('gives up after the last attempt, and at once on a permanent failure', () => {
    expect(decideDelivery({ result: 'retry', error: 'HTTP 500' }, 3, policy)).toEqual({
      status: 'dead',
      error: 'HTTP 500 (gave up after 3 attempts)',
      delayMs: 0,
    });
    expect(decideDelivery({ result: 'dead', error: 'invalid_token' }, 1, policy).status).toBe('dead');
  });
});
