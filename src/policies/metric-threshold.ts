import type { Comparator, MetricThreshold } from './policy-types';

const THRESHOLD = /^\s*(>=|<=|==|>|<)\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*$/;

/** `">= 0.85"` → `{ op: '>=', value: 0.85 }`; undefined when it is not a threshold. */
export function parseThreshold(metric: string, raw: string): MetricThreshold | undefined {
  const match = THRESHOLD.exec(raw);
  if (!match) return undefined;
  const value = Number(match[2]);
  if (!Number.isFinite(value)) return undefined;
  return { metric, op: match[1] as Comparator, value, raw };
}

export const THRESHOLD_HINT = 'a comparison like ">= 0.85" (operators >=, >, <=, <, ==)';
