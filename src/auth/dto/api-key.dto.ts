import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, Matches } from 'class-validator';
import { ApiKeyRecord } from '../api-key.store';
import { ALL_ROLES, Role } from '../role';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'ci-github', description: 'Unique; it is the actor written to the audit log' })
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$/, {
    message: 'name must be 1-100 characters of letters, digits and . _ @ + -, starting with a letter or digit',
  })
  name!: string;

  @ApiProperty({ enum: ALL_ROLES, isArray: true, example: ['ci'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ALL_ROLES.length)
  @IsIn(ALL_ROLES, { each: true, message: `each role must be one of: ${ALL_ROLES.join(', ')}` })
  roles!: Role[];
}

export class ApiKeyView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ALL_ROLES, isArray: true }) roles!: Role[];
  @ApiPropertyOptional({ nullable: true, type: String }) created_by!: string | null;
  @ApiProperty() created_at!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) revoked_at!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) last_used_at!: string | null;

  static of(r: ApiKeyRecord): ApiKeyView {
    return {
      id: r.id,
      name: r.name,
      roles: r.roles,
      created_by: r.createdBy,
      created_at: r.createdAt.toISOString(),
      revoked_at: r.revokedAt?.toISOString() ?? null,
      last_used_at: r.lastUsedAt?.toISOString() ?? null,
    };
  }
}

export class IssuedApiKeyView extends ApiKeyView {
  @ApiProperty({ description: 'The key itself. Shown only in this answer; store it now.' })
  key!: string;
}

export class ApiKeyPageView {
  @ApiProperty({ type: [ApiKeyView] }) items!: ApiKeyView[];
  @ApiPropertyOptional() next_page_token?: string;
}
