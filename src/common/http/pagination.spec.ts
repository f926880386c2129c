import { CommonError } from '../errors/domain-error';
import { Keyset, SEQ_PAGES, cursorField } from './pagination';

const tokenOf = (cursor: unknown) => Buffer.from(JSON.stringify(cursor)).toString('base64url');

function refusal(decode: () => unknown): unknown {
  try {
    decode();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('keyset pagination', () => {
  const pages = new Keyset<{ at: string | null; id: string }>({ at: cursorField.orNull(cursorField.instant), id: cursorField.uuid });
  const ID = '0b7e3c1e-4a6f-4c55-9a51-2f0a8d1c9e01';

  it('gives a token only when there is more, pointing after the last item', () => {
    const page = SEQ_PAGES.page([9, 8, 7], 2, (last) => ({ before_seq: last }));
    expect(page.items).toEqual([9, 8]);
    expect(SEQ_PAGES.decode(page.next_page_token)).toEqual({ before_seq: 8 });
    expect(SEQ_PAGES.page([9, 8], 2, (last) => ({ before_seq: last }))).toEqual({ items: [9, 8] });
  });

  it('round-trips its cursors, null fields included', () => {
    const next = pages.page(['a', 'b'], 1, () => ({ at: null, id: ID })).next_page_token;
    expect(pages.decode(next)).toEqual({ at: null, id: ID });
    expect(pages.decode(undefined)).toBeUndefined();
  });

  it.each([
    ['not base64 JSON', 'not-a-token'],
    ['JSON that is no object', tokenOf(3)],
    ['a field missing', tokenOf({ at: null })],
    ['a field of the wrong kind', tokenOf({ at: 'yesterday', id: ID })],
    ['an id that is no UUID', tokenOf({ at: null, id: 'x' })],
  ])('refuses a token with %s as VALIDATION_FAILED on page_token', (_why, token) => {
    expect(refusal(() => pages.decode(token))).toEqual(
      expect.objectContaining({ code: 'VALIDATION_FAILED', details: [{ field: 'page_token', problems: ['page_token is not a token this list gave out'] }] }),
    );
  });

  it('refuses seq cursors that are not positive integers', () => {
    for (const before_seq of [0, -1, 1.5, '3']) expect(() => SEQ_PAGES.decode(tokenOf({ before_seq }))).toThrow(CommonError);
  });
});
