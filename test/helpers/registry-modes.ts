import type { Stage } from '../../src/common/stage';
import type { FakeMlflow } from '../fakes/mlflow';

/** The cases every scenario that applies to both registry modes runs through: each mode on MLflow 2.9 and 3.x. */
export interface ModeCase {
  mode: 'stages' | 'aliases';
  personality: string;
}

export const MODE_CASES: ModeCase[] = [
  { mode: 'stages', personality: '2.9.2' },
  { mode: 'aliases', personality: '2.9.2' },
  { mode: 'stages', personality: '3.11.2.dev0' },
  { mode: 'aliases', personality: '3.11.2.dev0' },
];

/** The default stage aliases of aliases mode. */
export const CHAMPION = 'champion';
export const CHALLENGER = 'challenger';

/** `model: { … }` of a project config in `mode`, with more keys of the section appended. */
export function modelSection(model: string, mode: ModeCase['mode'], more = ''): string {
  return `model: { name: ${model}, registry: ${mode}${more ? `, ${more}` : ''} }`;
}

/**
 * Where MLflow holds a version, read from the fake's own state the way a person reading MLflow
 * would in that mode: the stage itself, or the champion/challenger alias and the modelgate.stage tag.
 */
export function stageInMlflow(mlflow: FakeMlflow, mode: ModeCase['mode'], model: string, version: number): Stage {
  const registry = mlflow.state.registry;
  const v = registry.version(model, version);
  if (mode === 'stages') return v.currentStage;
  const aliases = registry.aliasesOf(v);
  if (aliases.includes(CHAMPION)) return 'Production';
  if (aliases.includes(CHALLENGER)) return 'Staging';
  return v.tags.get('modelgate.stage') === 'Archived' ? 'Archived' : 'None';
}

/** The modelgate.* tags MLflow holds on a version. */
export function modelgateTags(mlflow: FakeMlflow, model: string, version: number): Record<string, string> {
  const tags = mlflow.state.registry.version(model, version).tags;
  return Object.fromEntries([...tags].filter(([key]) => key.startsWith('modelgate.')));
}

/** Moves Production to `version` behind modelgate's back, as a person in MLflow's UI would in that mode. */
export function moveProductionOutOfBand(mlflow: FakeMlflow, mode: ModeCase['mode'], model: string, version: number): void {
  if (mode === 'stages') mlflow.outOfBand.transition(model, version, 'Production', { archiveExisting: true });
  else mlflow.outOfBand.setAlias(model, CHAMPION, version);
}

/** What MLflow's state shows once the write that moves a version into `stage` went through, its answer lost (a crash). */
export function applyBehind(mlflow: FakeMlflow, mode: ModeCase['mode'], model: string, version: number, stage: 'Staging' | 'Production'): void {
  if (mode === 'stages') mlflow.state.registry.transition(model, String(version), stage, stage === 'Production');
  else mlflow.state.registry.setAlias(model, stage === 'Production' ? CHAMPION : CHALLENGER, String(version));
}

/** The six registry events an MLflow 3.3+ webhook can carry, as its API names them. */
export const REGISTRY_EVENTS = [
  { entity: 'MODEL_VERSION', action: 'CREATED' },
  { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
  { entity: 'MODEL_VERSION_ALIAS', action: 'DELETED' },
  { entity: 'MODEL_VERSION_TAG', action: 'SET' },
  { entity: 'MODEL_VERSION_TAG', action: 'DELETED' },
  { entity: 'REGISTERED_MODEL', action: 'CREATED' },
];

/** Registers modelgate's webhook receiver for every registry event with the fake (MLflow 3.3+). */
export async function registerWebhook(mlflow: FakeMlflow, receiverUrl: string, secret: string): Promise<void> {
  const res = await fetch(`${mlflow.url}/api/2.0/mlflow/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'modelgate', url: receiverUrl, events: REGISTRY_EVENTS, secret }),
  });
  if (res.status !== 200) throw new Error(`webhook registration: ${res.status} ${await res.text()}`);
}
