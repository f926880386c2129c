import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination';
import type { ModelVersion, RegisteredModel } from '../../mlflow/mlflow.types';
import { STAGES, Stage, parseStage } from '../../common/stage';
import type { VersionWithRun } from '../registry.service';
import { RunView } from './run.dto';

const STRING_MAP = { type: 'object', additionalProperties: { type: 'string' } } as const;

export class ModelVersionView {
  @ApiProperty({ example: 'recsys' }) name!: string;
  @ApiProperty({ example: '2', description: 'A string, as in MLflow' }) version!: string;
  @ApiProperty({ enum: STAGES, example: 'Production' }) stage!: Stage;
  @ApiProperty({ example: 'Tuned LightGBM, 400 trees' }) description!: string;
  @ApiProperty({ example: 'runs:/ed05795590e24488a69b5496e4bfe9f1/model' }) source!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Null when the version was not registered from a run' }) run_id!: string | null;
  @ApiProperty({ example: 'READY' }) status!: string;
  @ApiProperty({ example: '2026-11-19T10:00:00.000Z' }) created_at!: string;
  @ApiProperty({ example: '2026-11-19T10:05:00.000Z' }) updated_at!: string;
  @ApiProperty({ ...STRING_MAP, example: { validation_status: 'passed' } }) tags!: Record<string, string>;
  @ApiProperty({ type: [String], example: ['champion'] }) aliases!: string[];

  static of(v: ModelVersion): ModelVersionView {
    return {
      name: v.name,
      version: v.version,
      stage: v.stage,
      description: v.description,
      source: v.source,
      run_id: v.runId,
      status: v.status,
      created_at: v.createdAt.toISOString(),
      updated_at: v.updatedAt.toISOString(),
      tags: v.tags,
      aliases: v.aliases,
    };
  }
}

export class ModelAliasView {
  @ApiProperty({ example: 'champion' }) alias!: string;
  @ApiProperty({ example: '2' }) version!: string;
}

export class RegisteredModelView {
  @ApiProperty({ example: 'recsys' }) name!: string;
  @ApiProperty({ nullable: true, type: String, example: 'Recommender ranking model' }) description!: string | null;
  @ApiProperty() created_at!: string;
  @ApiProperty() updated_at!: string;
  @ApiProperty(STRING_MAP) tags!: Record<string, string>;
  @ApiProperty({ type: [ModelAliasView] }) aliases!: ModelAliasView[];
  @ApiProperty({ type: [ModelVersionView], description: 'One per stage that has a version: the highest version number in that stage' })
  latest_versions!: ModelVersionView[];

  static of(m: RegisteredModel): RegisteredModelView {
    return {
      name: m.name,
      description: m.description || null,
      created_at: m.createdAt.toISOString(),
      updated_at: m.updatedAt.toISOString(),
      tags: m.tags,
      aliases: m.aliases.map((a) => ({ alias: a.alias, version: a.version })),
      latest_versions: m.latestVersions.map(ModelVersionView.of),
    };
  }
}

export class ModelVersionDetailView extends ModelVersionView {
  @ApiProperty({ type: RunView, nullable: true, description: 'The run the version came from, with its metrics, params and tags; null when there is none' })
  run!: RunView | null;

  static ofDetail({ version, run }: VersionWithRun): ModelVersionDetailView {
    return { ...ModelVersionView.of(version), run: run ? RunView.of(run) : null };
  }
}

export class RegisteredModelPageView {
  @ApiProperty({ type: [RegisteredModelView] }) items!: RegisteredModelView[];
  @ApiPropertyOptional({ description: 'Absent on the last page' }) next_page_token?: string;
}

export class ModelVersionPageView {
  @ApiProperty({ type: [ModelVersionView] }) items!: ModelVersionView[];
  @ApiPropertyOptional({ description: 'Absent on the last page' }) next_page_token?: string;
}

export class ListModelsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: "name LIKE 'rec%'", description: 'MLflow registered-model search filter' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  filter?: string;
}

export class ListVersionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: STAGES, description: 'Only versions in this stage (any letter case)' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? (parseStage(value) ?? value) : value))
  @IsIn(STAGES, { message: `stage must be one of: ${STAGES.join(', ')} (any letter case)` })
  stage?: Stage;
}
