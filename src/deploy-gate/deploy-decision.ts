import type { ModelVersion } from '../mlflow/mlflow.types';
import type { Stage } from '../common/stage';

export type DeployOutcome = 'allowed' | 'denied' | 'unavailable';

/** What the gate found in MLflow for one request: the facts the pure decision is made from. */
export type RegistryAnswer =
  | { kind: 'model_missing' }
  | { kind: 'version_missing' }
  /** The versions to choose from: the latest of each stage, or the one version asked for. */
  | { kind: 'versions'; versions: ModelVersion[] };

export interface GateQuestion {
  model: string;
  env: string;
  allowedStages: Stage[];
  /** A specific version CI wants to deploy. */
  version?: string;
}

export type GateVerdict = { allowed: true; version: ModelVersion } | { allowed: false; reasons: string[] };

/** Production above Staging: the stage a deployment prefers when several are allowed. */
const RANK: Record<Stage, number> = { Production: 3, Staging: 2, Archived: 1, None: 0 };

const list = (stages: Stage[]) => stages.join(' or ');

/**
 * Pure: the gate's answer from what MLflow said. Without a version, the highest-ranked allowed
 * stage that has a version wins, and in it the highest version number.
 */
export function decide(q: GateQuestion, answer: RegistryAnswer): GateVerdict {
  if (answer.kind === 'model_missing') return { allowed: false, reasons: [`model ${q.model} is not registered in MLflow`] };
  if (answer.kind === 'version_missing') {
    return { allowed: false, reasons: [`version ${q.version} of ${q.model} does not exist in MLflow`] };
  }
  if (q.version !== undefined) {
    const found = answer.versions.find((v) => v.version === q.version);
    if (!found) return { allowed: false, reasons: [`version ${q.version} of ${q.model} does not exist in MLflow`] };
    if (q.allowedStages.includes(found.stage)) return { allowed: true, version: found };
    return { allowed: false, reasons: [`version ${q.version} of ${q.model} is in ${found.stage}; ${q.env} needs ${list(q.allowedStages)}`] };
  }
  const candidates = answer.versions
    .filter((v) => q.allowedStages.includes(v.stage))
    .sort((a, b) => RANK[b.stage] - RANK[a.stage] || Number(b.version) - Number(a.version));
  if (candidates.length > 0) return { allowed: true, version: candidates[0] };
  return { allowed: false, reasons: [`no version of model ${q.model} is in ${list(q.allowedStages)}`] };
}
