import type { Stage } from '../common/stage';
import type { StagePolicy } from '../policies/policy-types';

/**
 * The contract between the projects feature (which parses and stores config.yaml) and the features
 * that read projects (promotions, deploy gate, events, notifications, registry watch). Everything here is
 * already validated and has its defaults resolved.
 */

/** A recipient as written: an e-mail address or `slack:NAME`. */
export type Recipient = string;

export interface ProjectNotifications {
  onSuccess: Recipient[];
  onFailure: Recipient[];
  /** Default: `[owners.tech_owner]` when there is one, else []. */
  onApprovalNeeded: Recipient[];
  /** Who hears of changes made in MLflow behind modelgate's back. Default: as onApprovalNeeded. */
  onDrift: Recipient[];
}

/** `drift:` of a project: what the watcher does about changes made behind modelgate's back. */
export interface DriftSettings {
  /** `alert` (default): audit and announce; `revert`: also put MLflow back. */
  action: 'alert' | 'revert';
  /** First sight of the model adopts its state as the baseline (default true). */
  adoptExisting: boolean;
}

/** `model.registry`: where a project's stages live in MLflow. */
export type RegistryKind = 'stages' | 'aliases';

/** `model.stage_aliases`: in aliases mode, the alias that puts a version in each stage. */
export interface StageAliases {
  Staging: string;
  Production: string;
}

export const DEFAULT_STAGE_ALIASES: Readonly<StageAliases> = Object.freeze({ Staging: 'challenger', Production: 'champion' });

export const DEFAULT_DRIFT_SETTINGS: Readonly<DriftSettings> = { action: 'alert', adoptExisting: true };

export interface ResolvedProject {
  /** `project_name`. */
  name: string;
  /** The config's `version` (e.g. "1.0.0"). */
  version: string;
  /** Registered model in MLflow; default: the project name. */
  modelName: string;
  /** `model.aliases`: mirror stages to MLflow aliases. Default false; never with `registry: aliases`. */
  modelAliases: boolean;
  /** `model.registry`: MLflow stages (default), or aliases standing for them (MLflow 3 style). */
  registry: RegistryKind;
  /** `model.stage_aliases`, defaults filled in; what the stages are in aliases mode. */
  stageAliases: StageAliases;
  /** `model.provenance_tags`: modelgate.* tags on the versions it changes. Default true. */
  provenanceTags: boolean;
  /** Default `{project_name}-workflow`. */
  stateMachineName: string;
  /** When the config names one. */
  stateMachineArn?: string;
  promotion: Partial<Record<Stage, StagePolicy>>;
  /** env → stages allowing a deployment. Default `{ prd: [Production], dev: [Staging, Production] }`. */
  deployGate: Record<string, Stage[]>;
  notifications: ProjectNotifications;
  drift: DriftSettings;
  owners: { techOwner?: string; businessOwner?: string };
  /** The parsed document as written, unknown keys kept. */
  config: Record<string, unknown>;
  configHash: string;
  source: 'file' | 'api';
  updatedAt: Date;
  updatedBy: string | null;
}

/** How other features find projects. Implemented by the projects feature over its table. */
export abstract class ProjectDirectory {
  abstract findByName(name: string): Promise<ResolvedProject | undefined>;
  /** The project that claims this registered model (at most one does). */
  abstract findByModel(modelName: string): Promise<ResolvedProject | undefined>;
  /**
   * The project of a Step Functions state machine: the one whose config names this ARN, else the
   * one whose state machine name (`{project}-workflow` by default) is the ARN's last segment.
   */
  abstract findByStateMachine(stateMachineArn: string): Promise<ResolvedProject | undefined>;
  abstract list(): Promise<ResolvedProject[]>;
}
