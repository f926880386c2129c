import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { Stage } from '../../common/stage';
import type { ConfigProblem } from '../project-config';
import type { ProjectRecord, ProjectSettings } from '../project.store';
import type { StagePolicy } from '../../policies/policy-types';

export class ProjectQueryDto {
  @ApiPropertyOptional({ enum: ['json', 'yaml'], default: 'json', description: 'yaml: the stored text as sent, comments kept' })
  @IsOptional()
  @IsIn(['json', 'yaml'])
  format?: 'json' | 'yaml';
}

export class ConfigProblemView {
  @ApiProperty({ example: 'schedule.cron' }) path!: string;
  @ApiProperty({ example: 'required when schedule.enabled is true' }) message!: string;
  @ApiPropertyOptional({ description: 'YAML syntax errors: 1-based line' }) line?: number;
  @ApiPropertyOptional({ description: 'YAML syntax errors: 1-based column' }) column?: number;
}

export class ProjectSummaryView {
  @ApiProperty({ example: 'recsys' }) name!: string;
  @ApiProperty({ example: '1.0.0' }) version!: string;
  @ApiProperty({ example: 'recsys' }) model_name!: string;
  @ApiProperty({ example: 'recsys-workflow' }) state_machine_name!: string;
  @ApiProperty({ enum: ['file', 'api'] }) source!: 'file' | 'api';
  @ApiPropertyOptional({ nullable: true, type: String, example: 'recsys/config.yaml' }) source_path!: string | null;
  @ApiProperty({ description: 'sha256 of the stored text' }) config_hash!: string;
  @ApiProperty() updated_at!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) updated_by!: string | null;

  static of(r: ProjectRecord): ProjectSummaryView {
    return {
      name: r.name,
      version: r.settings.version,
      model_name: r.settings.modelName,
      state_machine_name: r.settings.stateMachineName,
      source: r.source,
      source_path: r.sourcePath,
      config_hash: r.configHash,
      updated_at: r.updatedAt.toISOString(),
      updated_by: r.updatedBy,
    };
  }
}

const policyView = (p: StagePolicy) => ({
  approvals: p.approvals,
  approval_ttl_hours: p.approvalTtlHours,
  ...(p.minHoursInStaging !== undefined ? { min_hours_in_staging: p.minHoursInStaging } : {}),
  metrics: p.metrics,
  no_regression: p.noRegression,
  required_tags: p.requiredTags,
});

/** The settings modelgate enforces, defaults filled in, in the config's own snake_case. */
export class ResolvedSettingsView {
  @ApiProperty() model_name!: string;
  @ApiProperty() model_aliases!: boolean;
  @ApiProperty({ enum: ['stages', 'aliases'] }) model_registry!: 'stages' | 'aliases';
  @ApiProperty({ type: 'object', properties: { Staging: { type: 'string' }, Production: { type: 'string' } }, description: 'The aliases that are the stages in aliases mode' })
  stage_aliases!: { Staging: string; Production: string };
  @ApiProperty({ description: 'modelgate.* tags on the versions modelgate changes' }) provenance_tags!: boolean;
  @ApiProperty() state_machine_name!: string;
  @ApiPropertyOptional() state_machine_arn?: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'target stage → policy' })
  promotion!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } }, example: { prd: ['Production'] } })
  deploy_gate!: Record<string, Stage[]>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } })
  notifications!: { on_success: string[]; on_failure: string[]; on_approval_needed: string[]; on_drift: string[] };
  @ApiProperty({ type: 'object', properties: { action: { enum: ['alert', 'revert'] }, adopt_existing: { type: 'boolean' } } })
  drift!: { action: 'alert' | 'revert'; adopt_existing: boolean };
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  owners!: { tech_owner?: string; business_owner?: string };

  static of(s: ProjectSettings): ResolvedSettingsView {
    return {
      model_name: s.modelName,
      model_aliases: s.modelAliases,
      model_registry: s.registry,
      stage_aliases: { ...s.stageAliases },
      provenance_tags: s.provenanceTags,
      state_machine_name: s.stateMachineName,
      ...(s.stateMachineArn ? { state_machine_arn: s.stateMachineArn } : {}),
      promotion: Object.fromEntries(Object.entries(s.promotion).map(([stage, p]) => [stage, policyView(p)])),
      deploy_gate: s.deployGate,
      notifications: {
        on_success: s.notifications.onSuccess,
        on_failure: s.notifications.onFailure,
        on_approval_needed: s.notifications.onApprovalNeeded,
        on_drift: s.notifications.onDrift,
      },
      drift: { action: s.drift.action, adopt_existing: s.drift.adoptExisting },
      owners: {
        ...(s.owners.techOwner !== undefined ? { tech_owner: s.owners.techOwner } : {}),
        ...(s.owners.businessOwner !== undefined ? { business_owner: s.owners.businessOwner } : {}),
      },
    };
  }
}

export class ProjectView extends ProjectSummaryView {
  @ApiProperty() created_at!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The document as written, unknown keys kept' })
  config!: Record<string, unknown>;
  @ApiProperty({ type: ResolvedSettingsView }) resolved!: ResolvedSettingsView;

  static override of(r: ProjectRecord): ProjectView {
    return { ...ProjectSummaryView.of(r), created_at: r.createdAt.toISOString(), config: r.config, resolved: ResolvedSettingsView.of(r.settings) };
  }
}

export class SavedProjectView extends ProjectView {
  @ApiProperty({ type: [ConfigProblemView], description: 'Accepted, but worth a look (e.g. a Slack channel not in SLACK_WEBHOOKS)' })
  warnings!: ConfigProblem[];
}

export class ProjectPageView {
  @ApiProperty({ type: [ProjectSummaryView] }) items!: ProjectSummaryView[];
  @ApiPropertyOptional() next_page_token?: string;
}

export class ValidationView {
  @ApiProperty() valid!: boolean;
  @ApiProperty({ type: [ConfigProblemView] }) problems!: ConfigProblem[];
  @ApiProperty({ type: [ConfigProblemView] }) warnings!: ConfigProblem[];
  @ApiPropertyOptional({ description: 'When valid' }) name?: string;
  @ApiPropertyOptional({ type: ResolvedSettingsView, description: 'When valid: what would be enforced' }) resolved?: ResolvedSettingsView;
}

export class FileProblemsView {
  @ApiProperty({ example: 'pricing/config.yaml', description: 'Relative to PROJECTS_DIR' }) file!: string;
  @ApiProperty({ type: [ConfigProblemView] }) problems!: ConfigProblem[];
  @ApiPropertyOptional() checked_at?: string;
}

/** A stored project the MLflow it runs against cannot hold: its promotions and gate answer PROJECT_CONFIG_REFUSED. */
export class ProjectProblemsView {
  @ApiProperty({ example: 'recsys' }) project!: string;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'recsys/config.yaml', description: 'The file under PROJECTS_DIR it came from, if any' })
  source_path!: string | null;
  @ApiProperty({ type: [ConfigProblemView] }) problems!: ConfigProblem[];
}

export class FileProblemsListView {
  @ApiProperty({
    type: 'array',
    items: { oneOf: [{ $ref: getSchemaPath(FileProblemsView) }, { $ref: getSchemaPath(ProjectProblemsView) }] },
    description: 'Files whose content was refused (`checked_at` set), then stored projects refused since (`project` set)',
  })
  items!: (FileProblemsView | ProjectProblemsView)[];
}

export class FileWarningView extends ConfigProblemView {
  @ApiProperty() file!: string;
}

export class ReloadView {
  @ApiProperty({ type: [String], description: 'Projects written from a new or changed file' }) applied!: string[];
  @ApiProperty({ type: [String], description: 'Projects whose file did not change since it was last applied' }) unchanged!: string[];
  @ApiProperty({ type: [FileProblemsView] }) errors!: FileProblemsView[];
  @ApiProperty({ type: [FileWarningView] }) warnings!: FileWarningView[];
}
