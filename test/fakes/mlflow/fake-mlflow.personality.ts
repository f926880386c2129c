/**
 * Which MLflow the fake answers like: 2.9.2 (test/fixtures/mlflow/) by default, a 3.x release
 * (test/fixtures/mlflow3/), or one older than 2.3 (e.g. `2.2.2`: no model version aliases). Only
 * differences a capture or MLflow's changelog showed are switched here.
 */
export interface MlflowPersonality {
  /** What `GET /version` answers, e.g. `3.11.2.dev0`. */
  version: string;
  major: number;
  minor: number;
  /** The webhook API and signed deliveries (MLflow 3.3 and later). */
  webhooks: boolean;
  /** The `registered-models/alias` routes (MLflow 2.3 and later; before, Flask has no such route: 404). */
  aliases: boolean;
  /** get-latest-versions entries carry `aliases` (3.x; 2.9.2 sent none). */
  latestVersionsCarryAliases: boolean;
  /** runs/create answers `"inputs": {}` and run reads add `"outputs": {}` (3.x). */
  runInputsOutputs: boolean;
}

export const DEFAULT_MLFLOW_VERSION = '2.9.2';

export function personalityOf(version: string = DEFAULT_MLFLOW_VERSION): MlflowPersonality {
  const match = /^(\d+)\.(\d+)/.exec(version);
  if (!match) throw new Error(`not an MLflow version: ${version}`);
  const [major, minor] = [Number(match[1]), Number(match[2])];
  const atLeast = (ma: number, mi: number) => major > ma || (major === ma && minor >= mi);
  return {
    version,
    major,
    minor,
    webhooks: atLeast(3, 3),
    aliases: atLeast(2, 3),
    latestVersionsCarryAliases: major >= 3,
    runInputsOutputs: major >= 3,
  };
}
