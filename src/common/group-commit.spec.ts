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
    }, { maxInFlight: 1 });
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
    }, { maxInFlight: 1 });
    await expect(gc.submit(1)).rejects.toThrow('db down');
    expect(await gc.submit(2)).toBe(2);
  });

  it('fails only the item at fault when a batch fails because of one item', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const gc = new GroupCommit<number, number>(
      async (items) => {
        batches.push(items);
        if (items[0] === 0) await gate;
        if (items.includes(13)) throw new Error('13 refused');
        return items;
      },
      { maxInFlight: 1, blamesOneItem: (err) => (err as Error).message.endsWith('refused') },
    );
    const first = gc.submit(0);
    const answers = [11, 12, 13, 14].map((n) => gc.submit(n).then(String, (err: Error) => err.message));
    release();
    await first;
    expect(await Promise.all(answers)).toEqual(['11', '12', '13 refused', '14']);
    expect(batches).toEqual([[0], [11, 12, 13, 14], [11], [12], [13], [14]]);
  });

  it('fails the whole batch when the failure is not one item\'s', async () => {
    let calls = 0;
    const gc = new GroupCommit<number, number>(
      async (items) => {
        calls += 1;
        if (calls === 1) await new Promise((r) => setTimeout(r, 5));
        else throw new Error('db down');
        return items;
      },
      { maxInFlight: 1, blamesOneItem: (err) => (err as Error).message.endsWith('refused') },
    );
    const first = gc.submit(0);
    const rest = [1, 2, 3].map((n) => gc.submit(n).catch((err: Error) => err.message));
    await first;
    expect(await Promise.all(rest)).toEqual(['db down', 'db down', 'db down']);
    expect(calls).toBe(2);
  });

  it('caps batch size', async () => {
    const sizes: number[] = [];
    const gc = new GroupCommit<number, number>(async (items) => {
      sizes.push(items.length);
      await new Promise((r) => setTimeout(r, 5));
      return items;
    }, { maxBatch: 3, maxInFlight: 1 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => gc.submit(i)));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10);
  });
});
