import { POOL_HEADROOM, poolSizeWarning } from './pool-size';

describe('poolSizeWarning', () => {
  it('says nothing when the pool covers the outbox lanes plus the headroom', () => {
    expect(poolSizeWarning(10, 4)).toBeUndefined();
    expect(poolSizeWarning(4 + POOL_HEADROOM, 4)).toBeUndefined();
    expect(poolSizeWarning(2, 0)).toBeUndefined();
  });

  it('names the pool size, the lanes and the size that would do when it falls short', () => {
    expect(poolSizeWarning(5, 4)).toBe(
      'DATABASE_POOL_SIZE=5 cannot cover the 4 outbox lanes plus 2 connections for requests; requests may wait for a connection while notifications are sent: set it to 6 or more',
    );
  });
});
