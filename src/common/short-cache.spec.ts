import { ShortCache } from './short-cache';

describe('ShortCache', () => {
  it('shares one load between concurrent asks and keeps it while fresh', async () => {
    const cache = new ShortCache<number>(1000);
    let loads = 0;
    const load = async () => ++loads;
    expect(await Promise.all([cache.get('a', load), cache.get('a', load)])).toEqual([1, 1]);
    expect(await cache.get('a', load)).toBe(1);
    expect(loads).toBe(1);
  });

  it('loads again once stale, or after forget', async () => {
    const cache = new ShortCache<number>(20);
    let loads = 0;
    const load = async () => ++loads;
    await cache.get('a', load);
    await new Promise((r) => setTimeout(r, 30));
    expect(await cache.get('a', load)).toBe(2);
    cache.forget((k) => k === 'a');
    expect(await cache.get('a', load)).toBe(3);
  });

  it('answers an ask that accepts less age only from a younger entry', async () => {
    const cache = new ShortCache<number>(1000);
    let loads = 0;
    const load = async () => ++loads;
    await cache.get('a', load);
    await new Promise((r) => setTimeout(r, 30));
    expect(await cache.get('a', load, 500)).toBe(1);
    expect(await cache.get('a', load, 10)).toBe(2);
  });

  it('never keeps a failure', async () => {
    const cache = new ShortCache<number>(1000);
    await expect(cache.get('a', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('a', async () => 7)).toBe(7);
  });

  it('stays bounded', async () => {
    const cache = new ShortCache<number>(1000, 2);
    let loads = 0;
    const load = async () => ++loads;
    await cache.get('a', load);
    await cache.get('b', load);
    await cache.get('c', load);
    expect(await cache.get('a', load)).toBe(4);
  });
});
