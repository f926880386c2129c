import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination';
import { STAGES, type Stage } from '../../common/stage';
import { DRIFT_STATUSES, type Drift, type DriftResolution, type DriftStatus } from '../drift.store';

export class DriftQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'recsys' }) @IsOptional() @IsString() @MaxLength(63) project?: string;

  @ApiPropertyOptional({ enum: DRIFT_STATUSES })
  @IsOptional()
  @IsIn(DRIFT_STATUSES, { message: `status must be one of ${DRIFT_STATUSES.join(', ')}` })
  status?: DriftStatus;
}

export class AdoptDto {
  @ApiProperty({ minLength: 3, maxLength: 500, example: 'hotfix moved by the on-call in MLflow; validated' })
  @IsString()
  @Length(3, 500)
  reason!: string;
}

export class DriftView {
  @ApiProperty() id!: string;
  @ApiProperty() model!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) project!: string | null;
  @ApiProperty({ example: '3' }) version!: string;
  @ApiProperty({ enum: DRIFT_STATUSES }) status!: DriftStatus;
  @ApiProperty({ enum: STAGES, description: 'What modelgate expects' }) expected_stage!: Stage;
  @ApiProperty({ enum: STAGES, description: 'What MLflow held when the drift was found' }) observed_stage!: Stage;
  @ApiProperty({ type: [String], description: 'Aliases modelgate manages (model.aliases: true), expected' }) expected_aliases!: string[];
  @ApiProperty({ type: [String] }) observed_aliases!: string[];
  @ApiPropertyOptional({ nullable: true, type: String, description: "MLflow's last_updated_timestamp of the version" }) last_updated_at!: string | null;
  @ApiProperty() detected_at!: string;
  @ApiProperty({ description: 'The registry.drift_detected audit event' }) detected_seq!: number;
  @ApiPropertyOptional({ nullable: true, type: String }) resolved_at!: string | null;
  @ApiPropertyOptional({ nullable: true, enum: ['adopted', 'reverted', 'returned', 'superseded'] }) resolution!: DriftResolution | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) resolved_seq!: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) resolved_by!: string | null;

  static of(d: Drift): DriftView {
    return {
      id: d.id,
      model: d.model,
      project: d.project,
      version: d.version,
      status: d.status,
      expected_stage: d.expected.stage,
      observed_stage: d.observed.stage,
      expected_aliases: d.expected.aliases,
      observed_aliases: d.observed.aliases,
      last_updated_at: d.mlflowUpdatedAt?.toISOString() ?? null,
      detected_at: d.detectedAt.toISOString(),
      detected_seq: d.detectedSeq,
      resolved_at: d.resolvedAt?.toISOString() ?? null,
      resolution: d.resolution,
      resolved_seq: d.resolvedSeq,
      resolved_by: d.resolvedBy,
    };
  }
}

export class DriftPageView {
  @ApiProperty({ type: [DriftView] }) items!: DriftView[];
  @ApiPropertyOptional() next_page_token?: string;
}
