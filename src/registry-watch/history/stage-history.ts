import type { AuditEvent } from '../../audit/audit-entry';
import { STAGES, Stage } from '../../common/stage';

/**
 * The audit actions that put versions in stages: modelgate's own moves, and what the drift watcher
 * records of MLflow's (`registry.*`, with the shapes it writes).
 */
export const STAGE_CHANGING_ACTIONS = [
  'promotion.completed',
  'rollback',
  'promotion.rejected',
  'registry.baseline_adopted',
  'registry.drift_detected',
  'registry.adopted',
  'registry.drift_reverted',
  'registry.drift_resolved',
] as const;

/** One version entering a stage, as an audit event records it. */
export interface StageChange {
  seq: number;
  at: string;
  actor: string;
  action: string;
  version: string;
  /** What modelgate knew or expected before; null when it knew nothing (a baseline). */
  from_stage: Stage | null;
  to_stage: Stage;
  reason: string | null;
}

/** What one event says: its changes, and whether it is a whole snapshot (versions it does not list are in None). */
export interface EventStages {
  changes: StageChange[];
  snapshot: boolean;
}

export interface StageHolding {
  version: string;
  since: string;
}

export type StagesAt = Record<'Staging' | 'Production' | 'Archived', StageHolding[]>;

const isStage = (value: unknown): value is Stage => typeof value === 'string' && (STAGES as readonly string[]).includes(value);
const versionOf = (value: unknown): string | undefined =>
  (typeof value === 'string' && value !== '') || (typeof value === 'number' && Number.isInteger(value)) ? String(value) : undefined;
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** Reads the stage changes out of one audit event; anything malformed is left out, never guessed. */
export function stagesOf(event: AuditEvent): EventStages {
  const changes: StageChange[] = [];
  const add = (version: unknown, from: unknown, to: unknown) => {
    const v = versionOf(version);
    if (v !== undefined && isStage(to)) {
      changes.push({ seq: event.seq, at: event.at, actor: event.actor, action: event.action, version: v, from_stage: isStage(from) ? from : null, to_stage: to, reason: event.reason });
    }
  };
  const details = event.details ?? {};
  switch (event.action as string) {
    case 'promotion.completed':
    case 'rollback':
      add(event.version, event.from_stage, event.to_stage);
      // archive_existing archived the versions that were in the target stage
      for (const v of listOf(details.archived_versions)) if (versionOf(v) !== event.version) add(v, event.to_stage, 'Archived');
      break;
    case 'promotion.rejected':
      if (details.archived_candidate === true) add(event.version, event.from_stage, 'Archived');
      break;
    case 'registry.baseline_adopted':
      for (const entry of listOf(details.versions)) {
        const { version, stage } = (entry ?? {}) as Record<string, unknown>;
        if (stage !== 'None') add(version, null, stage);
      }
      return { changes, snapshot: true };
    case 'registry.drift_reverted':
      add(event.version, event.from_stage, event.to_stage);
      // a Production version the out-of-band change had archived, put back
      for (const entry of listOf(details.restored_versions)) {
        const item = (entry && typeof entry === 'object' ? entry : { version: entry }) as Record<string, unknown>;
        add(item.version, item.from_stage ?? 'Archived', item.stage ?? 'Production');
      }
      break;
    case 'registry.drift_detected':
    case 'registry.adopted':
    case 'registry.drift_resolved':
      add(event.version, event.from_stage, event.to_stage);
      break;
  }
  return { changes, snapshot: false };
}

const byVersion = (a: StageHolding, b: StageHolding) => Number(a.version) - Number(b.version) || a.version.localeCompare(b.version);

/**
 * Which version was in which stage at `at`, and since when, from the events (oldest first) that
 * modelgate recorded up to then. A version's `since` is when it entered its stage, not when that was
 * last restated (an adoption of where it already was keeps it). Production lists one version: if
 * MLflow held several (moved there without archiving), the highest, which is the one MLflow's
 * latest-versions and so the deploy gate pick.
 */
export function stagesAt(eventsOldestFirst: AuditEvent[], at: Date): StagesAt {
  const state = new Map<string, { stage: Stage; since: string }>();
  for (const event of eventsOldestFirst) {
    if (Date.parse(event.at) > at.getTime()) continue;
    const { changes, snapshot } = stagesOf(event);
    if (snapshot) {
      const listed = new Set(changes.map((c) => c.version));
      for (const [version, held] of state) if (!listed.has(version) && held.stage !== 'None') state.set(version, { stage: 'None', since: event.at });
    }
    for (const c of changes) if (state.get(c.version)?.stage !== c.to_stage) state.set(c.version, { stage: c.to_stage, since: event.at });
  }
  const result: StagesAt = { Staging: [], Production: [], Archived: [] };
  for (const [version, { stage, since }] of state) if (stage !== 'None') result[stage].push({ version, since });
  for (const list of Object.values(result)) list.sort(byVersion);
  result.Production = result.Production.slice(-1);
  return result;
}
