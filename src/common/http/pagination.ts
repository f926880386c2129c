import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { validationFailed } from '../errors/domain-error';
import { isUuid } from './path-params';

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

/** What a cursor field may hold; a token whose fields fail these was not given out by the list. */
export const cursorField = {
  text: (v: unknown): boolean => typeof v === 'string',
  seq: (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) > 0,
  index: (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0,
  instant: (v: unknown): boolean => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
  uuid: isUuid,
  orNull: (check: (v: unknown) => boolean) => (v: unknown): boolean => v === null || check(v),
};

type CursorChecks<C> = { [K in keyof C]: (value: unknown) => boolean };

/**
 * A list paged by keyset: the next page starts after the last item of this one, so rows added or
 * removed meanwhile neither repeat nor skip. Page tokens are opaque to clients (base64url of the
 * small JSON cursor) and are made and read here only.
 */
export class Keyset<C extends object> {
  constructor(private readonly checks: CursorChecks<C>) {}

  /** The cursor a token carries (undefined without a token); VALIDATION_FAILED for a token this list did not give out. */
  decode(token: string | undefined): C | undefined {
    if (token === undefined) return undefined;
    try {
      const cursor: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
      if (cursor && typeof cursor === 'object' && this.holds(cursor as Record<string, unknown>)) return cursor as C;
    } catch {
      // fall through to the validation error
    }
    throw validationFailed([{ field: 'page_token', problems: ['page_token is not a token this list gave out'] }]);
  }

  /** `limit` items out of the `limit + 1` read; a token only when there is more. */
  page<T>(rowsPlusOne: T[], limit: number, cursorOf: (last: T) => C): Page<T> {
    const items = rowsPlusOne.slice(0, limit);
    if (rowsPlusOne.length <= limit) return { items };
    return { items, next_page_token: Buffer.from(JSON.stringify(cursorOf(items[items.length - 1]))).toString('base64url') };
  }

  private holds(cursor: Record<string, unknown>): boolean {
    return (Object.keys(this.checks) as (keyof C & string)[]).every((field) => this.checks[field](cursor[field]));
  }
}

/** Lists newest first by a sequence number (audit events, notifications, drifts): the cursor is the last seq seen. */
export const SEQ_PAGES = new Keyset<{ before_seq: number }>({ before_seq: cursorField.seq });

/** Lists in order of a unique name (projects, Slack identities): the cursor is the last name seen. */
export const NAME_PAGES = new Keyset<{ after: string }>({ after: cursorField.text });
