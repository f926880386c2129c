import type { DeliveryOutcome, OutboxStatus } from './outbox.types';

/** Longest wait between two attempts. */
export const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;

/**
 * Exponential backoff with jitter: base·2^(attempt−1), capped, then drawn from its upper half so
 * that replicas retrying the same upstream spread out.
 */
export function retryDelayMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

/** What becomes of a row after one attempt. */
export interface DeliveryDecision {
  status: OutboxStatus;
  /** Null once delivered. */
  error: string | null;
  /** For `pending`: when to try again, from now. */
  delayMs: number;
}

export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  random?: () => number;
}

/** `attempt` is the number of this attempt (1 for the first). */
export function decideDelivery(outcome: DeliveryOutcome, attempt: number, policy: RetryPolicy): DeliveryDecision {
  if (outcome.result === 'delivered') return { status: 'delivered', error: null, delayMs: 0 };
  if (outcome.result === 'dead') return { status: 'dead', error: outcome.error, delayMs: 0 };
  if (attempt >= policy.maxAttempts) {
    return { status: 'dead', error: `${outcome.error} (gave up after ${attempt} attempts)`, delayMs: 0 };
  }
  // A Retry-After is the upstream telling us when; otherwise back off.
  const delayMs = outcome.retryAfterMs !== undefined ? outcome.retryAfterMs : retryDelayMs(attempt, policy.baseMs, policy.random);
  return { status: 'pending', error: outcome.error, delayMs: Math.min(delayMs, MAX_RETRY_DELAY_MS) };
}
