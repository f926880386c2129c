import { CommonError } from '../errors/domain-error';
import { decodeOffsetToken, encodePageToken, offsetPage } from './pagination';

describe('offset pagination', () => {
  it('gives a next token only when there is more', () => {
    expect(offsetPage([1, 2, 3], 2, 0)).toEqual({ items: [1, 2], next_page_token: encodePageToken({ offset: 2 }) });
    expect(offsetPage([1, 2], 2, 0)).toEqual({ items: [1, 2] });
  });

  it('round-trips its tokens and refuses foreign ones', () => {
    expect(decodeOffsetToken(encodePageToken({ offset: 40 }))).toBe(40);
    expect(decodeOffsetToken(undefined)).toBe(0);
    expect(() => decodeOffsetToken('not-a-token')).toThrow(CommonError);
    expect(() => decodeOffsetToken(encodePageToken({ offset: -1 }))).toThrow(CommonError);
  });
});
