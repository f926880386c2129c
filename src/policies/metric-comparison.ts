import type { Comparator } from './policy-types';

/**
 * Metrics and bounds are binary floating point (0.3 − 0.1 is 0.19999999999999998), so a candidate
 * that sits exactly on a limit must not fail by a rounding error. Two numbers count as equal when
 * they differ by at most 1e-9 of the larger magnitude (absolute 1e-9 below 1): far below any
 * meaningful metric difference, far above double rounding noise.
 */
export const RELATIVE_EPSILON = 1e-9;

export function nearlyEqual(a: number, b: number): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= RELATIVE_EPSILON * Math.max(1, Math.abs(a), Math.abs(b));
}

/** `observed <op> limit`, with equality as in `nearlyEqual`. NaN satisfies nothing. */
export function satisfies(observed: number, op: Comparator, limit: number): boolean {
  if (Number.isNaN(observed) || Number.isNaN(limit)) return false;
  const equal = nearlyEqual(observed, limit);
  switch (op) {
    case '>=':
      return equal || observed > limit;
    case '>':
      return !equal && observed > limit;
    case '<=':
      return equal || observed < limit;
    case '<':
      return !equal && observed < limit;
    case '==':
      return equal;
  }
}

/** How an observed value stands against a limit it failed, for messages: "is below", "equals". */
export function relation(observed: number, limit: number): 'is below' | 'is above' | 'equals' {
  if (nearlyEqual(observed, limit)) return 'equals';
  return observed < limit ? 'is below' : 'is above';
}

/** Numbers as people write them: 12 significant digits, so 0.87 − 0.01 prints 0.86. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(12)));
}
