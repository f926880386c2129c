import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination';
import type { Run } from '../../mlflow/mlflow.types';

const iso = (d: Date | undefined) => (d ? d.toISOString() : null);

export class RunView {
  @ApiProperty({ example: 'ed05795590e24488a69b5496e4bfe9f1' }) run_id!: string;
  @ApiProperty({ example: 'lgbm-tuned' }) run_name!: string;
  @ApiProperty({ example: '1' }) experiment_id!: string;
  @ApiProperty({ example: 'recsys-bot' }) user_id!: string;
  @ApiProperty({ example: 'FINISHED', description: 'RUNNING, SCHEDULED, FINISHED, FAILED or KILLED' }) status!: string;
  @ApiProperty({ nullable: true, type: String, example: '2026-11-19T10:00:00.000Z' }) start_time!: string | null;
  @ApiProperty({ nullable: true, type: String }) end_time!: string | null;
  @ApiProperty() artifact_uri!: string;
  @ApiProperty({ example: 'active' }) lifecycle_stage!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, example: { roc_auc: 0.87, f1: 0.82 }, description: 'Latest value of each metric' })
  metrics!: Record<string, number>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { n_estimators: '400' } }) params!: Record<string, string>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { validation_status: 'passed' } }) tags!: Record<string, string>;

  static of(r: Run): RunView {
    return {
      run_id: r.runId,
      run_name: r.runName,
      experiment_id: r.experimentId,
      user_id: r.userId,
      status: r.status,
      start_time: iso(r.startTime),
      end_time: iso(r.endTime),
      artifact_uri: r.artifactUri,
      lifecycle_stage: r.lifecycleStage,
      metrics: Object.fromEntries(r.metrics.map((m) => [m.key, m.value])),
      params: r.params,
      tags: r.tags,
    };
  }
}

export class RunPageView {
  @ApiProperty({ type: [RunView] }) items!: RunView[];
  @ApiPropertyOptional({ description: 'MLflow’s token for the next page; absent on the last page' }) next_page_token?: string;
}

/** max_results and page_token as every list takes them; MLflow's own token passes through. */
export class SearchRunsDto extends PageQueryDto {
  @ApiPropertyOptional({ type: [String], example: ['1'], description: 'Required unless experiment_names is given; both may be given' })
  @ValidateIf((o: SearchRunsDto) => o.experiment_ids !== undefined || !o.experiment_names?.length)
  @IsArray({ message: 'experiment_ids or experiment_names is required' })
  @ArrayMinSize(1, { message: 'experiment_ids or experiment_names is required' })
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(100, { each: true })
  experiment_ids?: string[];

  @ApiPropertyOptional({ type: [String], example: ['recsys'], description: 'Resolved to ids; an unknown name is 404 EXPERIMENT_NOT_FOUND' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  experiment_names?: string[];

  @ApiPropertyOptional({ example: "tags.validation_status = 'passed' and metrics.roc_auc > 0.85", description: 'MLflow search filter' })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  filter?: string;

  @ApiPropertyOptional({ type: [String], example: ['metrics.roc_auc DESC'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MaxLength(500, { each: true })
  order_by?: string[];
}
