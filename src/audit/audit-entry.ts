import type { Stage } from '../common/stage';
import { AuditAction } from './audit-action';
import { JsonObject } from '../common/canonical-json';
import { ChainedFields, ChainedRow } from './hash-chain';

/** What a use case asks to record. */
export interface AuditEntry {
  /** The API key name of who did it (`actor.name`), or a `system:…` name for modelgate itself. */
  actor: string;
  action: AuditAction;
  model?: string | null;
  version?: string | null;
  from_stage?: Stage | null;
  to_stage?: Stage | null;
  reason?: string | null;
  /** Anything else worth keeping (ids, verdicts…); plain JSON. Never a secret. */
  details?: Record<string, unknown>;
}

/** A stored audit event, as the API answers it. */
export interface AuditEvent extends ChainedRow {
  action: AuditAction;
  from_stage: Stage | null;
  to_stage: Stage | null;
}

// PostgreSQL text and jsonb refuse NUL, and jsonb refuses lone surrogates (the driver would turn them
// into U+FFFD in text columns), so the stored row would no longer be what was hashed.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function storableText(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}

function storableJson(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storableJson);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), storableJson(v)]));
  }
  return value;
}

/**
 * The details exactly as jsonb will give them back: JSON semantics first (toJSON, undefined
 * dropped, NaN as null), then text PostgreSQL can store.
 */
export function storableDetails(details: Record<string, unknown> | undefined): JsonObject {
  const text = JSON.stringify(details ?? {});
  const parsed: unknown = text === undefined ? {} : JSON.parse(text);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new TypeError('audit details must be a JSON object');
  return storableJson(parsed) as JsonObject;
}

const optionalText = (text: string | null | undefined): string | null => (text == null ? null : storableText(text));

/** The fields to chain for `entry`, normalised so the stored row re-hashes exactly. */
export function chainedFieldsOf(entry: AuditEntry, seq: number, at: Date): ChainedFields {
  return {
    seq,
    at: at.toISOString(),
    actor: storableText(entry.actor),
    action: entry.action,
    model: optionalText(entry.model),
    version: optionalText(entry.version),
    from_stage: entry.from_stage ?? null,
    to_stage: entry.to_stage ?? null,
    reason: optionalText(entry.reason),
    details: storableDetails(entry.details),
  };
}
