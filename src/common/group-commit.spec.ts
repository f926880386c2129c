import { GroupCommit } from './group-commit';

describe('GroupCommit', () => {
  it('writes a lone item at once, and gathers items that arrive while a batch is in flight', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    let first = true;
    const gc = new GroupCommit<number, string>(async (items) => {
      batches.push(items);
      if (first) {
        first = false;
        await new Promise<void>((r) => (release = r));
      }
      return items.map((n) => `ok${n}`);
    }, 100, 1);
    const a = gc.submit(1);
    const rest = [2, 3, 4].map((n) => gc.submit(n));
    await new Promise((r) => setTimeout(r, 10));
    expect(batches).toEqual([[1]]);
    release();
    expect(await a).toBe('ok1');
    expect(await Promise.all(rest)).toEqual(['ok2', 'ok3', 'ok4']);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('fails every item of a failed batch, and goes on with the next', async () => {
    let calls = 0;
    const gc = new GroupCommit<number, number>(async (items) => {
      calls += 1;
      if (calls === 1) throw new Error('db down');
      return items;
    }, 100, 1);
    await expect(gc.submit(1)).rejects.toThrow('db down');
    expect(await gc.submit(2)).toBe(2);
  });

  it('caps batch size', async () => {
    const sizes: number[] = [];
    const gc = new GroupCommit<number, number>(async (items) => {
      sizes.push(items.length);
      await new Promise((r) => setTimeout(r, 5));
      return items;
    }, 3, 1);
    await Promise.all(Array.from({ length: 10 }, (_, i) => gc.submit(i)));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10);
  });
});
