import type { Comparator } from './policy-types';
import { formatNumber, nearlyEqual, relation, satisfies } from './metric-comparison';

describe('satisfies', () => {
  // [op, below the limit, equal to it, above it]
  const TABLE: [Comparator, boolean, boolean, boolean][] = [
    ['>=', false, true, true],
    ['>', false, false, true],
    ['<=', true, true, false],
    ['<', true, false, false],
    ['==', false, true, false],
  ];

  it.each(TABLE)('%s: below %s, equal %s, above %s', (op, below, equal, above) => {
    expect(satisfies(0.84, op, 0.85)).toBe(below);
    expect(satisfies(0.85, op, 0.85)).toBe(equal);
    expect(satisfies(0.86, op, 0.85)).toBe(above);
  });

  it.each(TABLE)('%s treats a value off by rounding as equal to the limit', (op, _below, equal) => {
    // 0.1 + 0.2 is 0.30000000000000004 and 0.3 − 0.1 is 0.19999999999999998 in binary floating point.
    expect(satisfies(0.1 + 0.2, op, 0.3)).toBe(equal);
    expect(satisfies(0.3 - 0.1, op, 0.2)).toBe(equal);
  });

  it.each(TABLE)('%s: NaN satisfies nothing', (op) => {
    expect(satisfies(Number.NaN, op, 0.85)).toBe(false);
    expect(satisfies(0.85, op, Number.NaN)).toBe(false);
  });

  it('compares large values relatively and infinities exactly', () => {
    expect(satisfies(1e12 + 0.0001, '==', 1e12)).toBe(true);
    expect(satisfies(1e12 + 10_000, '==', 1e12)).toBe(false);
    expect(satisfies(Number.POSITIVE_INFINITY, '<=', 5)).toBe(false);
    expect(satisfies(Number.POSITIVE_INFINITY, '>=', 5)).toBe(true);
    expect(satisfies(Number.POSITIVE_INFINITY, '==', Number.POSITIVE_INFINITY)).toBe(true);
  });
});

describe('nearlyEqual', () => {
  it('is absolute below 1 and relative above', () => {
    expect(nearlyEqual(0, 1e-10)).toBe(true);
    expect(nearlyEqual(0, 1e-8)).toBe(false);
    expect(nearlyEqual(0.85, 0.8500001)).toBe(false);
    expect(nearlyEqual(1000, 1000 + 1e-7)).toBe(true);
    expect(nearlyEqual(1000, 1000 + 1e-5)).toBe(false);
    expect(nearlyEqual(Number.POSITIVE_INFINITY, 0.85)).toBe(false);
  });
});

describe('relation', () => {
  it('says below, above or equals', () => {
    expect(relation(0.84, 0.85)).toBe('is below');
    expect(relation(0.86, 0.85)).toBe('is above');
    expect(relation(0.1 + 0.2, 0.3)).toBe('equals');
  });
});

describe('formatNumber', () => {
  it.each([
    [0.87 - 0.01, '0.86'],
    [0.3 - 0.1, '0.2'],
    [0.1 + 0.2, '0.3'],
    [0.8312345, '0.8312345'],
    [24, '24'],
    [-3, '-3'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
  ])('%p → %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });
});
