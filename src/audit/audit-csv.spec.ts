import { AuditAction } from './audit-action';
import { AUDIT_CSV_COLUMNS, AUDIT_CSV_HEADER, auditEventCsvRecord, csvField, csvRecord } from './audit-csv';
import { AuditEvent } from './audit-entry';
import { parseCsv } from '../../test/helpers/csv';

const event: AuditEvent = {
  seq: 12,
  at: '2026-11-23T10:00:00.123Z',
  actor: 'alice',
  action: AuditAction.PROMOTION_COMPLETED,
  model: 'recsys',
  version: '2',
  from_stage: 'Staging',
  to_stage: 'Production',
  reason: 'ship it, "now"\r\nsecond line',
  details: { b: 'x,y', a: 1 },
  prev_hash: 'a'.repeat(64),
  hash: 'b'.repeat(64),
};

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['cr\rhere', '"cr\rhere"'],
    ['', ''],
    [' spaced ', ' spaced '],
  ])('writes %j as %j', (input, expected) => {
    expect(csvField(input)).toBe(expected);
  });

  it('writes null as an empty field and numbers as they are', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(42)).toBe('42');
  });
});

describe('csvRecord', () => {
  it('joins with commas and ends with CRLF', () => {
    expect(csvRecord(['a', null, 3])).toBe('a,,3\r\n');
  });
});

describe('auditEventCsvRecord', () => {
  it('writes every column in header order, details as canonical JSON, and reads back unchanged', () => {
    const [header, row] = parseCsv(AUDIT_CSV_HEADER + auditEventCsvRecord(event));
    expect(header).toEqual([...AUDIT_CSV_COLUMNS]);
    expect(AUDIT_CSV_HEADER).toBe('seq,at,actor,action,model,version,from_stage,to_stage,reason,details,prev_hash,hash\r\n');
    expect(row).toEqual([
      '12',
      '2026-11-23T10:00:00.123Z',
      'alice',
      'promotion.completed',
      'recsys',
      '2',
      'Staging',
      'Production',
      'ship it, "now"\r\nsecond line',
      '{"a":1,"b":"x,y"}',
      'a'.repeat(64),
      'b'.repeat(64),
    ]);
  });

  it('leaves null columns empty', () => {
    const line = auditEventCsvRecord({ ...event, model: null, version: null, from_stage: null, to_stage: null, reason: null, details: {} });
    expect(parseCsv(line)[0].slice(4, 10)).toEqual(['', '', '', '', '', '{}']);
  });
});
