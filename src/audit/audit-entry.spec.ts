import { AuditAction } from './audit-action';
import { chainedFieldsOf, storableDetails, storableText } from './audit-entry';
import { canonicalJson } from '../common/canonical-json';

describe('storableText', () => {
  it('replaces NUL and lone surrogates with U+FFFD and leaves everything else alone', () => {
    expect(storableText('a\u0000b')).toBe('a\uFFFDb');
    expect(storableText('x\ud800y\udc00z')).toBe('x\uFFFDy\uFFFDz');
    expect(storableText('\ud83d')).toBe('\uFFFD');
    expect(storableText('😀 é "\\ \n\u0001')).toBe('😀 é "\\ \n\u0001');
  });
});

describe('storableDetails', () => {
  it('gives the value jsonb will hand back: JSON semantics and storable text in keys and values', () => {
    const details = storableDetails({
      at: new Date('2026-01-02T03:04:05.006Z'),
      gone: undefined,
      nan: Number.NaN,
      list: [1, undefined, 'a\u0000'],
      ['k\ud800']: { nested: '\udfff' },
    });
    expect(details).toEqual({ at: '2026-01-02T03:04:05.006Z', nan: null, list: [1, null, 'a\uFFFD'], 'k\uFFFD': { nested: '\uFFFD' } });
    expect(() => canonicalJson(details)).not.toThrow();
  });

  it('defaults to an empty object', () => {
    expect(storableDetails(undefined)).toEqual({});
  });
});

describe('chainedFieldsOf', () => {
  it('fills absent optional fields with null and sets seq and at (ISO 8601, milliseconds, UTC)', () => {
    const at = new Date(Date.UTC(2026, 10, 23, 9, 8, 7, 6));
    expect(chainedFieldsOf({ actor: 'admin', action: AuditAction.API_KEY_CREATED, details: { key_id: 'k' } }, 7, at)).toEqual({
      seq: 7,
      at: '2026-11-23T09:08:07.006Z',
      actor: 'admin',
      action: 'api_key.created',
      model: null,
      version: null,
      from_stage: null,
      to_stage: null,
      reason: null,
      details: { key_id: 'k' },
    });
  });

  it('normalises text fields the way PostgreSQL will store them', () => {
    const fields = chainedFieldsOf(
      {
        actor: 'a\u0000',
        action: AuditAction.ROLLBACK,
        model: 'm\ud800',
        version: '2',
        from_stage: 'Production',
        to_stage: 'Archived',
        reason: 'r\udc00',
      },
      1,
      new Date(0),
    );
    expect(fields).toEqual(
      expect.objectContaining({ actor: 'a\uFFFD', model: 'm\uFFFD', reason: 'r\uFFFD', from_stage: 'Production', to_stage: 'Archived' }),
    );
  });
});
