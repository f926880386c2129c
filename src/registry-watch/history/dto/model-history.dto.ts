import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsInstant } from '../../../audit/dto/audit.dto';
import { PageQueryDto } from '../../../common/http/pagination';
import { STAGES, Stage } from '../../../common/stage';

export class ModelHistoryQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'An instant (ISO 8601): answer which version held each stage then, instead of the list of changes', example: '2026-12-01T10:00:00Z' })
  @IsOptional()
  @IsInstant()
  at?: string;
}

export class StageChangeView {
  @ApiProperty({ description: "The audit event's seq (one event may move several versions)" }) seq!: number;
  @ApiProperty({ example: '2026-12-01T10:00:00.123Z' }) at!: string;
  @ApiProperty({ example: 'alice' }) actor!: string;
  @ApiProperty({ example: 'promotion.completed' }) action!: string;
  @ApiProperty({ example: '3' }) version!: string;
  @ApiPropertyOptional({ nullable: true, enum: STAGES, description: 'null when modelgate knew nothing before (a baseline)' }) from_stage!: Stage | null;
  @ApiProperty({ enum: STAGES }) to_stage!: Stage;
  @ApiPropertyOptional({ nullable: true, type: String }) reason!: string | null;
}

export class StageChangePageView {
  @ApiProperty({ type: [StageChangeView] }) items!: StageChangeView[];
  @ApiPropertyOptional() next_page_token?: string;
}

export class StageHoldingView {
  @ApiProperty({ example: '3' }) version!: string;
  @ApiProperty({ description: 'When it entered the stage', example: '2026-12-01T10:00:00.123Z' }) since!: string;
}

export class StagesView {
  @ApiProperty({ type: [StageHoldingView] }) Staging!: StageHoldingView[];
  @ApiProperty({ type: [StageHoldingView], description: 'At most one' }) Production!: StageHoldingView[];
  @ApiProperty({ type: [StageHoldingView] }) Archived!: StageHoldingView[];
}

export class StagesAtView {
  @ApiProperty({ example: '2026-12-01T10:00:00.000Z' }) at!: string;
  @ApiProperty({ type: StagesView }) stages!: StagesView;
}
