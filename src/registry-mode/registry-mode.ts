import type { ModelVersion } from '../mlflow/mlflow.types';
import type { Stage } from '../common/stage';
import type { RegistryKind } from '../projects/project.types';
import type { Provenance } from './provenance';

/** One change of a version's stage as modelgate makes it; `displaced`: the versions it archives, known before MLflow is called. */
export interface StageMove {
  model: string;
  version: string;
  to: Stage;
  displaced: readonly string[];
}

/** What MLflow holds after a move whose answer was lost or refused part-way. */
export interface MoveOutcome {
  /** The version is in the target stage (and what the move still owed was written). */
  reached: boolean;
  /** The version's stage as read. */
  stage: Stage;
}

/**
 * Where one project's stages live in MLflow: its own stages (`transition-stage`), or aliases
 * standing for them (MLflow 3 style, `model.registry: aliases`). Every feature that reads a
 * version's stage or moves one goes through this; only the MLflow calls differ between modes.
 * Versions it answers carry the project's stage in `stage` (derived in aliases mode).
 */
export interface RegistryMode {
  readonly kind: RegistryKind;
  /** The aliases whose holders modelgate decides, compared by the drift watcher (sorted). */
  readonly managedAliases: readonly string[];
  /** Stages that hold at most one version: entering one archives its previous holder. */
  readonly exclusiveStages: readonly Stage[];
  /** Stages mode with `model.aliases: true`: the staging/production aliases follow a change, owed until written. */
  readonly mirrorsAliases: boolean;
  /** `model.provenance_tags`. */
  readonly writesProvenance: boolean;

  /** A version's stage in this mode, from what MLflow answered for it. */
  stageOf(v: Pick<ModelVersion, 'stage' | 'aliases' | 'tags'>): Stage;
  /** The managed aliases a version holds after modelgate moves it into `stage`; undefined: they do not move with it. */
  aliasesIn(stage: Stage): string[] | undefined;
  /** The URI a deployment loads the stage's version by. */
  modelUri(model: string, stage: Stage): string;
  /** The modelgate.* tags that say who put a version in `stage`. */
  provenanceTags(stage: Stage, provenance: Provenance): Record<string, string>;

  version(model: string, version: string): Promise<ModelVersion>;
  /** The version(s) in a stage; MODEL_NOT_FOUND for an unknown model. */
  holders(model: string, stage: Stage): Promise<ModelVersion[]>;
  /** What a deployment may pick from: the versions in Staging and Production. */
  deployable(model: string): Promise<ModelVersion[]>;

  /** Sends the move's writes once each; a failure may leave part of them applied (see {@link mayHaveApplied}). */
  move(move: StageMove): Promise<void>;
  /** Whether a move that failed with `err` may have changed MLflow, so it must be settled by a re-read. */
  mayHaveApplied(err: unknown): boolean;
  /** Re-reads the version; when it reached the target, writes what the move still owed. Throws when MLflow cannot be read. */
  settle(move: StageMove): Promise<MoveOutcome>;
  /** A revert: puts the version's stage back (aliases are put back separately, by alias). */
  putBack(model: string, version: string, stage: Stage): Promise<void>;
}
