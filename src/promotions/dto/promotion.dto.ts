import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination';
import { STAGES, type Stage, parseStage } from '../../common/stage';
import type { PolicyVerdict } from '../../policies/policy-verdict';
import { PROMOTION_STATUSES, type Promotion, type PromotionStatus } from '../promotion';

const STATUSES = PROMOTION_STATUSES;
/** Stage names are accepted case-insensitively, as MLflow does, and answered in MLflow's spelling. */
const toStage = ({ value }: { value: unknown }) => (typeof value === 'string' ? (parseStage(value) ?? value) : value);

/** The `message` of a decision MLflow has not carried out yet. */
const AWAITING_MLFLOW: Partial<Record<PromotionStatus, string>> = {
  approved: 'All approvals are in but MLflow could not be reached: the promotion will be applied when MLflow answers',
  rejecting: 'The rejection is recorded but MLflow could not be reached: the candidate will be archived when MLflow answers',
};

export class PromoteDto {
  @ApiProperty({ enum: STAGES, example: 'Production', description: 'Target stage (case-insensitive)' })
  @Transform(toStage)
  @IsIn(STAGES, { message: `stage must be one of ${STAGES.join(', ')}` })
  stage!: Stage;

  @ApiProperty({ minLength: 3, maxLength: 500, example: 'beats v1 on roc_auc; validated offline' })
  @IsString()
  @Length(3, 500)
  reason!: string;

  @ApiPropertyOptional({ default: false, description: 'Evaluate only: change nothing, audit nothing' })
  @IsOptional()
  @IsBoolean()
  dry_run?: boolean;
}

export class RollbackDto {
  @ApiProperty({ minLength: 3, maxLength: 500 })
  @IsString()
  @Length(3, 500)
  reason!: string;
}

export class DecisionDto {
  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  comment?: string;
}

export class RejectDto extends DecisionDto {
  @ApiPropertyOptional({ default: true, description: 'Archive a rejected Staging→Production candidate (the platform rule)' })
  @IsOptional()
  @IsBoolean()
  archive?: boolean;
}

export class PromotionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(256) model?: string;
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: PromotionStatus;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) project?: string;
  @ApiPropertyOptional({ description: 'API key name of the requester' }) @IsOptional() @IsString() @MaxLength(100) requested_by?: string;
  @ApiPropertyOptional({ enum: ['me'], description: 'Pending promotions the caller may still decide (approvers: not their own, not yet voted on)' })
  @IsOptional()
  @IsIn(['me'], { message: 'awaiting must be me' })
  awaiting?: 'me';
}

export class ApprovalView {
  @ApiProperty() approver!: string;
  @ApiProperty({ enum: ['approve', 'reject'] }) decision!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) comment!: string | null;
  @ApiProperty() created_at!: string;
}

export class PromotionView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['promotion', 'rollback'] }) kind!: string;
  @ApiProperty() model!: string;
  @ApiProperty({ example: '2' }) version!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) project!: string | null;
  @ApiProperty({ enum: STAGES }) from_stage!: Stage;
  @ApiProperty({ enum: STAGES }) to_stage!: Stage;
  @ApiProperty({ enum: STATUSES }) status!: PromotionStatus;
  @ApiProperty() requested_by!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ description: '{ allowed, approvals_required, rules: [{ rule, passed, observed, required, message }], note? }' })
  verdict!: PolicyVerdict;
  @ApiProperty() approvals_required!: number;
  @ApiProperty({ type: [ApprovalView] }) approvals!: ApprovalView[];
  @ApiProperty({ type: [String] }) archived_versions!: string[];
  @ApiPropertyOptional({ nullable: true, type: String }) failure!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) expires_at!: string | null;
  @ApiProperty() created_at!: string;
  @ApiProperty() updated_at!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) completed_at!: string | null;
  @ApiPropertyOptional({ description: 'What happens next, while the decision awaits MLflow (status approved or rejecting)' })
  message?: string;

  static of(p: Promotion): PromotionView {
    return {
      id: p.id,
      kind: p.kind,
      model: p.model,
      version: p.version,
      project: p.project,
      from_stage: p.fromStage,
      to_stage: p.toStage,
      status: p.status,
      requested_by: p.requestedBy,
      reason: p.reason,
      verdict: p.verdict,
      approvals_required: p.approvalsRequired,
      approvals: p.approvals.map((a) => ({ approver: a.approver, decision: a.decision, comment: a.comment, created_at: a.createdAt.toISOString() })),
      archived_versions: p.archivedVersions,
      failure: p.failure,
      expires_at: p.expiresAt?.toISOString() ?? null,
      created_at: p.createdAt.toISOString(),
      updated_at: p.updatedAt.toISOString(),
      completed_at: p.completedAt?.toISOString() ?? null,
      ...(AWAITING_MLFLOW[p.status] ? { message: AWAITING_MLFLOW[p.status] } : {}),
    };
  }
}

export class DryRunView {
  @ApiProperty({ enum: [true] }) dry_run!: true;
  @ApiProperty({ enum: ['apply', 'await_approval', 'deny'] }) outcome!: string;
  @ApiProperty() verdict!: PolicyVerdict;
}

export class PromotionPageView {
  @ApiProperty({ type: [PromotionView] }) items!: PromotionView[];
  @ApiPropertyOptional() next_page_token?: string;
}
