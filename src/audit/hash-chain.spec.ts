import { createHash } from 'node:crypto';
import { ChainVerifier, ChainedFields, ChainedRow, GENESIS_HASH, chainEvent, hashEvent, verifyChain } from './hash-chain';

function fields(seq: number, overrides: Partial<ChainedFields> = {}): ChainedFields {
  return {
    seq,
    at: new Date(Date.UTC(2026, 10, 23, 12, 0, 0, seq)).toISOString(),
    actor: 'alice',
    action: 'promotion.completed',
    model: 'recsys',
    version: String(seq),
    from_stage: 'Staging',
    to_stage: 'Production',
    reason: `release ${seq}`,
    details: { promotion_id: `p-${seq}`, archived_versions: [String(seq - 1)] },
    ...overrides,
  };
}

function buildChain(length: number): ChainedRow[] {
  const rows: ChainedRow[] = [];
  for (let seq = 1; seq <= length; seq++) rows.push(chainEvent(rows.at(-1)?.hash ?? GENESIS_HASH, fields(seq)));
  return rows;
}

const rehash = (row: ChainedRow): ChainedRow => ({ ...row, hash: hashEvent(row.prev_hash, row) });

describe('hashEvent', () => {
  it('is sha256 of prev_hash followed by the RFC 8785 text of exactly the ten covered fields', () => {
    const f = fields(1, { details: { z: 1, a: 'é' }, from_stage: null });
    const canonical =
      '{"action":"promotion.completed","actor":"alice","at":"2026-11-23T12:00:00.001Z","details":{"a":"é","z":1},' +
      '"from_stage":null,"model":"recsys","reason":"release 1","seq":1,"to_stage":"Production","version":"1"}';
    const expected = createHash('sha256').update(Buffer.from(GENESIS_HASH + canonical, 'utf8')).digest('hex');
    expect(hashEvent(GENESIS_HASH, f)).toBe(expected);
    expect(GENESIS_HASH).toBe('0000000000000000000000000000000000000000000000000000000000000000');
  });

  it('ignores fields outside the covered set, such as the stored hashes', () => {
    const f = fields(3);
    const row = { ...f, prev_hash: 'x'.repeat(64), hash: 'y'.repeat(64), extra: 'ignored' } as ChainedFields;
    expect(hashEvent(GENESIS_HASH, row)).toBe(hashEvent(GENESIS_HASH, f));
  });

  it.each<[keyof ChainedFields, unknown]>([
    ['seq', 2],
    ['at', '2026-11-23T12:00:00.002Z'],
    ['actor', 'mallory'],
    ['action', 'promotion.denied'],
    ['model', 'other'],
    ['version', '9'],
    ['from_stage', 'None'],
    ['to_stage', 'Archived'],
    ['reason', 'release 1 '],
    ['details', { promotion_id: 'p-1', archived_versions: [] }],
  ])('changes when %s changes', (field, value) => {
    const original = fields(1);
    expect(hashEvent(GENESIS_HASH, { ...original, [field]: value })).not.toBe(hashEvent(GENESIS_HASH, original));
  });

  it('tells null from absent-looking values: null, "" and "null" hash differently', () => {
    const hashes = [null, '', 'null'].map((reason) => hashEvent(GENESIS_HASH, fields(1, { reason })));
    expect(new Set(hashes).size).toBe(3);
  });

  it('does not depend on the key order of details', () => {
    expect(hashEvent(GENESIS_HASH, fields(1, { details: { a: 1, b: { c: 2, d: 3 } } }))).toBe(
      hashEvent(GENESIS_HASH, fields(1, { details: { b: { d: 3, c: 2 }, a: 1 } })),
    );
  });

  it('depends on prev_hash, so each hash commits to the whole history before it', () => {
    expect(hashEvent('1'.repeat(64), fields(1))).not.toBe(hashEvent(GENESIS_HASH, fields(1)));
  });

  it('refuses fields that are not JSON', () => {
    expect(() => hashEvent(GENESIS_HASH, fields(1, { details: { x: Number.NaN } }))).toThrow(/not a JSON number/);
  });
});

describe('chainEvent', () => {
  it('links each row to the previous hash, starting from the genesis hash', () => {
    const [first, second] = buildChain(2);
    expect(first.prev_hash).toBe(GENESIS_HASH);
    expect(second.prev_hash).toBe(first.hash);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.hash).toBe(hashEvent(GENESIS_HASH, fields(1)));
  });
});

describe('verifyChain', () => {
  it('accepts an empty chain', () => {
    expect(verifyChain([])).toEqual({ valid: true, checked: 0 });
  });

  it('accepts an intact chain and counts every row', () => {
    expect(verifyChain(buildChain(25))).toEqual({ valid: true, checked: 25 });
  });

  it.each(['actor', 'reason', 'at', 'details', 'to_stage'] as const)('names a row whose %s was altered in place', (field) => {
    const rows = buildChain(10);
    const forged = { details: { promotion_id: 'forged' }, at: '2020-01-01T00:00:00.000Z' } as Record<string, unknown>;
    rows[6] = { ...rows[6], [field]: forged[field] ?? 'forged' };
    expect(verifyChain(rows)).toEqual({
      valid: false,
      checked: 7,
      first_broken_seq: 7,
      problem: 'it does not re-hash to its stored hash: its content was altered',
    });
  });

  it('names the next row when an altered row was also re-hashed', () => {
    const rows = buildChain(10);
    rows[3] = rehash({ ...rows[3], reason: 'forged' });
    expect(verifyChain(rows)).toEqual({ valid: false, checked: 5, first_broken_seq: 5, problem: 'its prev_hash is not the hash of seq 4' });
  });

  it('names the row after a deleted one', () => {
    const rows = buildChain(10);
    rows.splice(4, 1);
    expect(verifyChain(rows)).toEqual(expect.objectContaining({ valid: false, checked: 5, first_broken_seq: 6 }));
    expect(verifyChain(rows).problem).toMatch(/expected seq 5 but found 6/);
  });

  it('names the second row when the first one was deleted', () => {
    expect(verifyChain(buildChain(3).slice(1))).toEqual(expect.objectContaining({ valid: false, checked: 1, first_broken_seq: 2 }));
  });

  it('refuses a first row that does not start from the genesis hash', () => {
    const forged = chainEvent('f'.repeat(64), fields(1));
    expect(verifyChain([forged])).toEqual(
      expect.objectContaining({ valid: false, checked: 1, first_broken_seq: 1, problem: 'its prev_hash is not the genesis hash' }),
    );
  });

  it('names a row whose seq was renumbered, even when re-hashed', () => {
    const rows = buildChain(4);
    rows[2] = rehash({ ...rows[2], seq: 30 });
    expect(verifyChain(rows)).toEqual(expect.objectContaining({ valid: false, first_broken_seq: 30 }));
  });

  it('refuses rows out of order', () => {
    const rows = buildChain(4);
    [rows[1], rows[2]] = [rows[2], rows[1]];
    expect(verifyChain(rows)).toEqual(expect.objectContaining({ valid: false, checked: 2, first_broken_seq: 3 }));
  });

  it('names a row whose stored hash was replaced', () => {
    const rows = buildChain(3);
    rows[2] = { ...rows[2], hash: 'a'.repeat(64) };
    expect(verifyChain(rows)).toEqual(expect.objectContaining({ valid: false, checked: 3, first_broken_seq: 3 }));
  });

  it('reports rows whose fields cannot be canonicalized as broken rather than throwing', () => {
    const rows = buildChain(2);
    rows[1] = { ...rows[1], details: { bad: Number.POSITIVE_INFINITY } };
    expect(verifyChain(rows)).toEqual(
      expect.objectContaining({ valid: false, first_broken_seq: 2, problem: expect.stringMatching(/cannot be canonicalized/) }),
    );
  });

  it('cannot see a truncated tail on its own: the chain of the rows left is still whole', () => {
    expect(verifyChain(buildChain(5).slice(0, 3))).toEqual({ valid: true, checked: 3 });
  });
});

describe('ChainVerifier', () => {
  it('gives the same answer fed in batches as all at once', () => {
    const rows = buildChain(23);
    const verifier = new ChainVerifier();
    for (let i = 0; i < rows.length; i += 5) expect(verifier.feed(rows.slice(i, i + 5))).toBe(true);
    expect(verifier.result).toEqual(verifyChain(rows));

    const tampered = [...rows];
    tampered[11] = { ...tampered[11], actor: 'mallory' };
    const batched = new ChainVerifier();
    const answers = [0, 5, 10, 15, 20].map((i) => batched.feed(tampered.slice(i, i + 5)));
    expect(answers).toEqual([true, true, false, false, false]);
    expect(batched.result).toEqual(verifyChain(tampered));
    expect(batched.result).toEqual(expect.objectContaining({ checked: 12, first_broken_seq: 12 }));
  });

  it('ignores rows fed after the break', () => {
    const rows = buildChain(4);
    const verifier = new ChainVerifier();
    verifier.feed([rows[0], { ...rows[1], reason: 'x' }]);
    verifier.feed(rows.slice(2));
    expect(verifier.result).toEqual(expect.objectContaining({ checked: 2, first_broken_seq: 2 }));
  });
});
