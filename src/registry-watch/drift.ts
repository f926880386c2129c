import type { Stage } from '../common/stage';
import { MIRRORED_ALIASES } from '../registry-mode/stage-aliases';

/**
 * Pure: what modelgate expects of a model's versions against what MLflow holds. Aliases count only
 * when modelgate manages them (`model.aliases: true`: `staging`, `production`; in aliases mode the
 * stage aliases), and a stage is the project's (derived from aliases in aliases mode); every list
 * of aliases here is sorted and without repeats.
 */

/** A version's stage and the modelgate-managed aliases on it. */
export interface VersionState {
  stage: Stage;
  aliases: string[];
}

/** A version as MLflow shows it; `lastUpdatedAt` is MLflow's last_updated_timestamp. */
export interface ObservedVersion extends VersionState {
  version: string;
  lastUpdatedAt: Date;
}

/** One version whose state in MLflow is not what modelgate expects. */
export interface Difference {
  version: string;
  expected: VersionState;
  observed: VersionState;
  lastUpdatedAt: Date;
}

/** An open drift, as far as the comparison needs it. */
export interface OpenDrift {
  id: string;
  version: string;
  observed: VersionState;
}

/** What one check changes in the drift record. */
export interface DriftChanges {
  /** New drifts: never seen, or a state different from the one already recorded. */
  detected: Difference[];
  /** Open drifts whose version moved again: closed, and detected anew in `detected`. */
  superseded: OpenDrift[];
  /** Open drifts whose version is back where modelgate expects it. */
  returned: OpenDrift[];
}

/** What putting MLflow back takes: stage moves (in this order) and alias moves (null: delete it). */
export interface RevertPlan {
  transitions: { version: string; from: Stage; to: Stage }[];
  aliases: { alias: string; version: string | null }[];
}

/** The aliases modelgate manages in stages mode when `model.aliases` is on; with it off, none. */
export const MANAGED_ALIASES: readonly string[] = Object.values(MIRRORED_ALIASES).sort();

/** A version modelgate never touched: None, no alias of its own. */
export const UNTOUCHED: VersionState = Object.freeze({ stage: 'None', aliases: [] }) as VersionState;

export function managedAliases(aliases: readonly string[], managed: readonly string[]): string[] {
  return [...new Set(aliases.filter((a) => managed.includes(a)))].sort();
}

export function sameState(a: VersionState, b: VersionState): boolean {
  return a.stage === b.stage && a.aliases.length === b.aliases.length && a.aliases.every((alias, i) => alias === b.aliases[i]);
}

const byVersion = (a: { version: string }, b: { version: string }) => Number(a.version) - Number(b.version);

/** The expectation of `version` (untouched when modelgate has none), aliases narrowed to the managed ones. */
export function expectationOf(expected: ReadonlyMap<string, VersionState>, version: string, managed: readonly string[]): VersionState {
  const e = expected.get(version) ?? UNTOUCHED;
  return { stage: e.stage, aliases: managedAliases(e.aliases, managed) };
}

/** Every observed version that differs from its expectation, lowest version first. */
export function differences(expected: ReadonlyMap<string, VersionState>, observed: readonly ObservedVersion[], managed: readonly string[]): Difference[] {
  const found: Difference[] = [];
  for (const o of observed) {
    const want = expectationOf(expected, o.version, managed);
    const have = { stage: o.stage, aliases: managedAliases(o.aliases, managed) };
    if (!sameState(want, have)) found.push({ version: o.version, expected: want, observed: have, lastUpdatedAt: o.lastUpdatedAt });
  }
  return found.sort(byVersion);
}

/**
 * Matches this check's differences with the drifts already open: a drift still in the same state
 * is not detected again; one that changed is superseded by a new detection; one that is gone
 * returned. A version MLflow no longer lists keeps its open drift (nothing to compare it with).
 */
export function driftChanges(found: readonly Difference[], open: readonly OpenDrift[], observedVersions: ReadonlySet<string>): DriftChanges {
  const openByVersion = new Map(open.map((d) => [d.version, d]));
  const changes: DriftChanges = { detected: [], superseded: [], returned: [] };
  for (const diff of found) {
    const current = openByVersion.get(diff.version);
    if (current && sameState(current.observed, diff.observed)) continue;
    if (current) changes.superseded.push(current);
    changes.detected.push(diff);
  }
  const differing = new Set(found.map((d) => d.version));
  for (const d of open) {
    if (observedVersions.has(d.version) && !differing.has(d.version)) changes.returned.push(d);
  }
  return changes;
}

/** First sight: what MLflow holds becomes the expectation (untouched versions need no row). */
export function baselineOf(observed: readonly ObservedVersion[], managed: readonly string[]): Map<string, VersionState> {
  const baseline = new Map<string, VersionState>();
  for (const o of [...observed].sort(byVersion)) {
    const state = { stage: o.stage, aliases: managedAliases(o.aliases, managed) };
    if (!sameState(state, UNTOUCHED)) baseline.set(o.version, state);
  }
  return baseline;
}

/**
 * Expectations after `version` takes `state`: an alias names one version, so the aliases it takes
 * leave the versions that held them.
 */
export function withVersionState(expected: ReadonlyMap<string, VersionState>, version: string, state: VersionState): Map<string, VersionState> {
  const next = new Map<string, VersionState>();
  for (const [v, e] of expected) {
    next.set(v, v === version ? state : { stage: e.stage, aliases: e.aliases.filter((a) => !state.aliases.includes(a)) });
  }
  next.set(version, { stage: state.stage, aliases: [...state.aliases].sort() });
  return next;
}

/**
 * Puts the drifted versions back: first every version leaving Production, last the one returning
 * to it (so MLflow never holds two); then each alias involved moves to the version expected to hold it.
 */
export function revertPlan(drifts: readonly Difference[], expected: ReadonlyMap<string, VersionState>, managed: readonly string[]): RevertPlan {
  const transitions = drifts
    .filter((d) => d.expected.stage !== d.observed.stage)
    .map((d) => ({ version: d.version, from: d.observed.stage, to: d.expected.stage }))
    .sort((a, b) => Number(a.to === 'Production') - Number(b.to === 'Production') || byVersion(a, b));
  const involved = new Set(drifts.flatMap((d) => [...d.expected.aliases, ...d.observed.aliases]));
  const aliases = [...involved]
    .filter((alias) => managed.includes(alias))
    .sort()
    .map((alias) => {
      const holder = [...expected.entries()].filter(([, e]) => e.aliases.includes(alias)).sort(([a], [b]) => Number(b) - Number(a))[0];
      return { alias, version: holder ? holder[0] : null };
    });
  return { transitions, aliases };
}

/** The gate's and a promotion's question: does MLflow hold this version in a stage modelgate did not put it in? */
export function stageUnaccounted(expected: VersionState | undefined, observedStage: Stage): boolean {
  return (expected ?? UNTOUCHED).stage !== observedStage;
}
