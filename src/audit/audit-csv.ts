import { canonicalJson } from '../common/canonical-json';
import { AuditEvent } from './audit-entry';

/** The export's columns; `details` is its RFC 8785 text, so an exported row can be re-hashed. */
export const AUDIT_CSV_COLUMNS = [
  'seq',
  'at',
  'actor',
  'action',
  'model',
  'version',
  'from_stage',
  'to_stage',
  'reason',
  'details',
  'prev_hash',
  'hash',
] as const;

const NEEDS_QUOTES = /[",\r\n]/;

/** One RFC 4180 field: quoted, with quotes doubled, when it holds a comma, a quote or a line break. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record, CRLF-terminated as RFC 4180 says. */
export function csvRecord(values: readonly (string | number | null)[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

export const AUDIT_CSV_HEADER = csvRecord(AUDIT_CSV_COLUMNS);

export function auditEventCsvRecord(event: AuditEvent): string {
  return csvRecord(AUDIT_CSV_COLUMNS.map((column) => (column === 'details' ? canonicalJson(event.details) : event[column])));
}
