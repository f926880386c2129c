import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { validationFailed } from '../errors/domain-error';

/** `max_results` and `page_token`, as every list of modelgate takes them. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  max_results?: number;

  @ApiPropertyOptional({ description: 'Opaque token from the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  page_token?: string;
}

export interface Page<T> {
  items: T[];
  next_page_token?: string;
}

export const DEFAULT_PAGE_SIZE = 100;

/** Page tokens are opaque to clients: base64url of a small JSON cursor. */
export function encodePageToken(cursor: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodePageToken<T extends Record<string, unknown>>(
  token: string | undefined,
  isValid: (cursor: Record<string, unknown>) => cursor is T,
): T | undefined {
  if (token === undefined) return undefined;
  try {
    const cursor: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (cursor && typeof cursor === 'object' && isValid(cursor as Record<string, unknown>)) return cursor as T;
  } catch {
    // fall through to the validation error
  }
  throw validationFailed([{ field: 'page_token', problems: ['page_token is not a token this list gave out'] }]);
}

/** Offset cursors, for lists small enough that offsets are fine. */
export function offsetPage<T>(rowsPlusOne: T[], limit: number, offset: number): Page<T> {
  const items = rowsPlusOne.slice(0, limit);
  return rowsPlusOne.length > limit ? { items, next_page_token: encodePageToken({ offset: offset + limit }) } : { items };
}

/** Keyset cursors: the next page starts after the last item of this one. */
export function keysetPage<T>(rowsPlusOne: T[], limit: number, cursorOf: (last: T) => Record<string, unknown>): Page<T> {
  const items = rowsPlusOne.slice(0, limit);
  return rowsPlusOne.length > limit ? { items, next_page_token: encodePageToken(cursorOf(items[items.length - 1])) } : { items };
}

export function decodeOffsetToken(token: string | undefined): number {
  const cursor = decodePageToken(token, (c): c is { offset: number } => Number.isInteger(c.offset) && (c.offset as number) >= 0);
  return cursor?.offset ?? 0;
}
