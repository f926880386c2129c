import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, IsUrl, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination';
import { PROJECT_NAME } from '../../common/project-name';
import { NoControlCharacters } from '../../common/http/validation';
import type { DeployDecisionRecord } from '../deploy-decision.store';
import type { AllowedDeployment } from '../deploy-gate.service';

const ENV = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;
const VERSION = /^[1-9][0-9]{0,17}$/;
/** CI sends the version as a JSON number or a string; both mean the same version. */
const versionToString = ({ value }: { value: unknown }) => (typeof value === 'number' && Number.isInteger(value) ? String(value) : value);

export class DeployGateQueryDto {
  @ApiProperty({ example: 'prd' })
  @IsString()
  @Matches(ENV, { message: 'env must be 1-63 letters, digits, _ or -' })
  env!: string;

  @ApiPropertyOptional({ example: '2', description: 'Deploy this version; it must be in an allowed stage' })
  @IsOptional()
  @Transform(versionToString)
  @IsString()
  @Matches(VERSION, { message: 'version must be a positive integer' })
  version?: string;
}

export class DeployGateRequestDto extends DeployGateQueryDto {
  @ApiProperty({ example: 'recsys' })
  @IsString()
  @Matches(PROJECT_NAME, { message: 'project must be a project name (lowercase letters, digits, _ and -)' })
  project!: string;

  @ApiPropertyOptional({ example: '3f2a9c1' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @NoControlCharacters()
  commit?: string;

  @ApiPropertyOptional({ example: 'https://github.com/rentcars/recsys/actions/runs/42' })
  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2000)
  @NoControlCharacters()
  pipeline_url?: string;
}

export class DeployAllowedView {
  @ApiProperty({ enum: [true] }) allowed!: true;
  @ApiProperty() decision_id!: string;
  @ApiProperty() project!: string;
  @ApiProperty() env!: string;
  @ApiProperty() model!: string;
  @ApiProperty({ example: '2' }) version!: string;
  @ApiProperty({ example: 'Production' }) stage!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Null when the version was not registered from a run' }) run_id!: string | null;
  @ApiProperty({ example: 'runs:/ed05795590e24488a69b5496e4bfe9f1/model', description: "What the deploy needs: MLflow's source, as MLflow has it (MLflow 3: `models:/m-…`)" })
  source!: string;
  @ApiProperty({ example: 'models:/recsys@champion', description: 'Loads the stage’s version: `models:/NAME@ALIAS` in aliases mode, `models:/NAME/STAGE` in stages mode' })
  model_uri!: string;
  @ApiProperty({ example: 'models:/recsys/2', description: 'Loads exactly this version' })
  version_uri!: string;

  static of(a: AllowedDeployment): DeployAllowedView {
    return {
      allowed: true,
      decision_id: a.decisionId,
      project: a.project,
      env: a.env,
      model: a.model,
      version: a.version.version,
      stage: a.version.stage,
      run_id: a.version.runId,
      source: a.version.source,
      model_uri: a.modelUri,
      version_uri: a.versionUri,
    };
  }
}

export class DeployDecisionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(PROJECT_NAME) project?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @Matches(ENV) env?: string;
}

export class DeployDecisionView {
  @ApiProperty() id!: string;
  @ApiProperty() project!: string;
  @ApiProperty() env!: string;
  @ApiProperty({ enum: ['allowed', 'denied', 'unavailable'] }) outcome!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) model!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) version!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) stage!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) run_id!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) source!: string | null;
  @ApiProperty({ type: [String] }) reasons!: string[];
  @ApiProperty() caller!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) commit!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) pipeline_url!: string | null;
  @ApiProperty() decided_at!: string;

  static of(r: DeployDecisionRecord): DeployDecisionView {
    return {
      id: r.id,
      project: r.project,
      env: r.env,
      outcome: r.outcome,
      model: r.model,
      version: r.version,
      stage: r.stage,
      run_id: r.runId,
      source: r.source,
      reasons: r.reasons,
      caller: r.caller,
      commit: r.commit,
      pipeline_url: r.pipelineUrl,
      decided_at: r.decidedAt.toISOString(),
    };
  }
}

export class DeployDecisionPageView {
  @ApiProperty({ type: [DeployDecisionView] }) items!: DeployDecisionView[];
  @ApiPropertyOptional() next_page_token?: string;
}

