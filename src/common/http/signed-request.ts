import { timingSafeEqual } from 'node:crypto';

/** Why a signed request (a Slack interaction, an MLflow delivery) is refused; never more than this, and never what was expected. */
export type SignatureProblem = 'no_secret' | 'missing_headers' | 'bad_signature' | 'stale_timestamp';

export type SignatureCheck = { valid: true } | { valid: false; problem: SignatureProblem };

/** How far the sender's clock (the timestamp it signed) may be from ours, either way: Slack's and Standard Webhooks' advice. */
export const SIGNED_TIMESTAMP_TOLERANCE_S = 300;

/** A signed timestamp: Unix seconds, as text. */
export const UNIX_SECONDS = /^\d{1,12}$/;

/**
 * The verdict once the headers are read: valid when one of `candidates` equals `expected` (each
 * compared in full, in constant time, no early exit) and the signed `timestamp` is within
 * {@link SIGNED_TIMESTAMP_TOLERANCE_S} of `nowMs`. The signature is checked first, so "stale" is
 * only ever said of a request really signed (a replay, or a clock to fix).
 */
export function signatureVerdict(candidates: string[], expected: string, timestamp: string, nowMs: number): SignatureCheck {
  const want = Buffer.from(expected);
  const matches = candidates.map((candidate) => Buffer.from(candidate)).map((given) => given.length === want.length && timingSafeEqual(given, want));
  if (!matches.includes(true)) return { valid: false, problem: 'bad_signature' };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > SIGNED_TIMESTAMP_TOLERANCE_S) return { valid: false, problem: 'stale_timestamp' };
  return { valid: true };
}
