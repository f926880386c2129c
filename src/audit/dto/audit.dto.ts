import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, ValidateBy, isISO8601 } from 'class-validator';
import { validationFailed } from '../../common/errors/domain-error';
import { PageQueryDto } from '../../common/http/pagination';
import { STAGES, Stage } from '../../common/stage';
import { AUDIT_ACTIONS, AuditAction } from '../audit-action';
import { AuditFilter } from '../audit.store';

/** A date, or a date-time with its time zone: a zone-less time would depend on the server's. */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** An ISO 8601 instant: a real calendar date, and a time zone whenever there is a time. */
export const IsInstant = () =>
  ValidateBy({
    name: 'isInstant',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && ISO_WITH_ZONE.test(value) && isISO8601(value, { strict: true }),
      defaultMessage: (args) =>
        `${args?.property} must be an ISO 8601 date (2026-11-23) or date-time with a time zone (2026-11-23T10:00:00Z)`,
    },
  });

export const AUDIT_FORMATS = ['json', 'csv'] as const;

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'recsys' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  model?: string;

  @ApiPropertyOptional({ example: '2' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  version?: string;

  @ApiPropertyOptional({ enum: AUDIT_ACTIONS })
  @IsOptional()
  @IsIn(AUDIT_ACTIONS, { message: `action must be one of: ${AUDIT_ACTIONS.join(', ')}` })
  action?: AuditAction;

  @ApiPropertyOptional({ description: 'API key name of who acted', example: 'alice' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;

  @ApiPropertyOptional({ description: 'Events at or after this instant (ISO 8601)', example: '2026-11-23T00:00:00Z' })
  @IsOptional()
  @IsInstant()
  since?: string;

  @ApiPropertyOptional({ description: 'Events before this instant (ISO 8601, exclusive)', example: '2026-11-24T00:00:00Z' })
  @IsOptional()
  @IsInstant()
  until?: string;

  @ApiPropertyOptional({ enum: AUDIT_FORMATS, default: 'json', description: 'csv: every matching event, oldest first, streamed' })
  @IsOptional()
  @IsIn(AUDIT_FORMATS, { message: 'format must be json or csv' })
  format?: (typeof AUDIT_FORMATS)[number];
}

/** The store's filter for a validated query; since must come before until. */
export function auditFilterOf(query: AuditQueryDto): AuditFilter {
  const since = query.since === undefined ? undefined : new Date(query.since);
  const until = query.until === undefined ? undefined : new Date(query.until);
  if (since && until && since >= until) {
    throw validationFailed([{ field: 'until', problems: ['until must be later than since'] }]);
  }
  return {
    model: query.model,
    version: query.version,
    actions: query.action ? [query.action] : undefined,
    actor: query.actor,
    since,
    until,
  };
}

export class AuditEventView {
  @ApiProperty({ description: 'Position in the chain, from 1, without gaps' }) seq!: number;
  @ApiProperty({ example: '2026-11-23T10:00:00.123Z' }) at!: string;
  @ApiProperty() actor!: string;
  @ApiProperty({ enum: AUDIT_ACTIONS }) action!: AuditAction;
  @ApiPropertyOptional({ nullable: true, type: String }) model!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) version!: string | null;
  @ApiPropertyOptional({ nullable: true, enum: STAGES }) from_stage!: Stage | null;
  @ApiPropertyOptional({ nullable: true, enum: STAGES }) to_stage!: Stage | null;
  @ApiPropertyOptional({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
  @ApiProperty({ description: 'hash of the previous event (64 zeros for the first)' }) prev_hash!: string;
  @ApiProperty({ description: 'sha256(prev_hash ‖ RFC 8785 JSON of seq…details), hex' }) hash!: string;
}

export class AuditPageView {
  @ApiProperty({ type: [AuditEventView] }) items!: AuditEventView[];
  @ApiPropertyOptional() next_page_token?: string;
}

export class ChainVerificationView {
  @ApiProperty() valid!: boolean;
  @ApiProperty({ description: 'Events checked, oldest first; stops at the first broken one' }) checked!: number;
  @ApiPropertyOptional({ description: 'The first event whose link does not hold' }) first_broken_seq?: number;
  @ApiPropertyOptional({ description: 'Why that event breaks the chain' }) problem?: string;
}
