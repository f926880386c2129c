import { STAGES, type Stage } from '../common/stage';

/**
 * The stage graph (docs/api.md, "Promotions"): the only moves a promotion may make. Rollback is
 * its own operation, outside this graph.
 */
const NEXT: Readonly<Record<Stage, readonly Stage[]>> = {
  None: ['Staging'],
  Staging: ['Production', 'Archived'],
  Production: ['Archived'],
  Archived: ['Staging'],
};

/** What a 409 INVALID_TRANSITION carries as `details`. */
export interface InvalidTransitionDetails {
  current_stage: Stage;
  requested_stage: Stage;
  allowed_targets: Stage[];
}

export type TransitionCheck =
  | { ok: true; from: Stage; to: Stage; archivesExistingProduction: boolean }
  | { ok: false; message: string; details: InvalidTransitionDetails };

/** The stages a version in `from` may move to, in STAGES order. */
export function allowedTargets(from: Stage): Stage[] {
  return STAGES.filter((stage) => NEXT[from].includes(stage));
}

export function isAllowedTransition(from: Stage, to: Stage): boolean {
  return NEXT[from].includes(to);
}

/** Entering Production archives the previous Production version, so a model never has two. */
export function archivesExistingProduction(to: Stage): boolean {
  return to === 'Production';
}

/**
 * Checks one move. A refusal carries a sentence naming both stages and what is allowed instead, and
 * the details for the 409 answer.
 */
export function checkTransition(from: Stage, to: Stage): TransitionCheck {
  if (isAllowedTransition(from, to)) return { ok: true, from, to, archivesExistingProduction: archivesExistingProduction(to) };
  const targets = allowedTargets(from);
  const reason = from === to ? `it is already in ${to}` : `${from} → ${to} is not in the stage graph`;
  return {
    ok: false,
    message: `cannot move a version from ${from} to ${to}: ${reason}; from ${from} it may move to ${targets.join(' or ')}`,
    details: { current_stage: from, requested_stage: to, allowed_targets: targets },
  };
}
