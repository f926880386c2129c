import type { Stage } from '../common/stage';
import type { StageAliases } from '../projects/project.types';

/**
 * Pure: how a project's stages read in MLflow. In aliases mode a version's stage is derived from
 * the project's stage aliases and the `modelgate.stage` tag; in stages mode it is MLflow's own.
 */

/** In aliases mode the state that says Archived (aliases cannot); in stages mode provenance only. */
export const STAGE_TAG = 'modelgate.stage';

/** The aliases `model.aliases: true` keeps in step with MLflow's stages (stages mode only). */
export const MIRRORED_ALIASES = Object.freeze({ Staging: 'staging', Production: 'production' });

/** The alias that puts a version in `stage`, when the stage has one. */
export function aliasOfStage(stage: Stage, aliases: StageAliases): string | undefined {
  return stage === 'Staging' || stage === 'Production' ? aliases[stage] : undefined;
}

/** Holds the Production alias → Production; the Staging alias → Staging; tagged Archived → Archived; else None. */
export function derivedStage(versionAliases: readonly string[], tags: Readonly<Record<string, string>>, aliases: StageAliases): Stage {
  if (versionAliases.includes(aliases.Production)) return 'Production';
  if (versionAliases.includes(aliases.Staging)) return 'Staging';
  return tags[STAGE_TAG] === 'Archived' ? 'Archived' : 'None';
}

/** The URI that names exactly this version, in either mode. */
export const versionUri = (model: string, version: string): string => `models:/${model}/${version}`;

/** The URI a deployment can load the stage's version by: `models:/recsys@champion` or `models:/recsys/Production`. */
export function stageUri(model: string, stage: Stage, aliases: StageAliases | undefined): string {
  if (!aliases) return `models:/${model}/${stage}`;
  const alias = aliasOfStage(stage, aliases);
  return alias ? `models:/${model}@${alias}` : `models:/${model}/${stage}`;
}
