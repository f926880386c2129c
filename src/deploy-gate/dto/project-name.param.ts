import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

export class ProjectNameParam {
  @ApiProperty({ example: 'recsys' })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9_-]{0,62}$/, { message: 'project must be a project name (lowercase letters, digits, _ and -)' })
  project!: string;
}
