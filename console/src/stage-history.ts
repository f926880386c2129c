import type { Stage, StageChange, StageHolding } from './types';

/** Pure reading of GET /models/:name/history for the Models page: who placed each version, and the Production strip. */

/** A stretch of time with one version in Production (`null`: none). Times in epoch milliseconds. */
export interface ProductionSegment {
  version: string | null;
  from: number;
  to: number;
}

export interface ProductionStrip {
  /** Where the strip starts: the window's start, or modelgate's first record of the model when later. */
  start: number;
  end: number;
  /** Whether modelgate's record begins inside the window (before it, modelgate knows nothing). */
  recordBeginsInWindow: boolean;
  segments: ProductionSegment[];
}

export interface StripInput {
  windowStart: number;
  now: number;
  /** GET history?at=windowStart: the Production list then (at most one version). */
  atStart: StageHolding[];
  /** The changes loaded, newest first as the API lists them: at least every one after windowStart. */
  changes: StageChange[];
  /** Whether `changes` reaches back to modelgate's very first record of the model. */
  complete: boolean;
}

const byVersion = (a: string, b: string) => Number(a) - Number(b) || a.localeCompare(b);

/** Several versions may sit in Production (moved there in MLflow without archiving): the highest counts, as for the gate. */
function holderOf(inProduction: Set<string>): string | null {
  const sorted = [...inProduction].sort(byVersion);
  return sorted.length ? sorted[sorted.length - 1] : null;
}

/** The changes of one audit event stay together: a rollback moves two versions at the same instant. */
function eventsOldestFirst(changes: StageChange[]): StageChange[][] {
  const events = new Map<number, StageChange[]>();
  for (const c of [...changes].sort((a, b) => a.seq - b.seq)) {
    const event = events.get(c.seq);
    if (event) event.push(c);
    else events.set(c.seq, [c]);
  }
  return [...events.values()];
}

/** Undefined when modelgate has recorded no stage change of the model at all. */
export function productionStrip(input: StripInput): ProductionStrip | undefined {
  const { windowStart, now, complete } = input;
  if (input.changes.length === 0 && input.atStart.length === 0) return undefined;
  const oldest = Math.min(...input.changes.map((c) => Date.parse(c.at)));
  const recordBeginsInWindow = complete && input.changes.length > 0 && oldest > windowStart;
  const start = recordBeginsInWindow ? oldest : windowStart;

  const inProduction = new Set(input.atStart.map((h) => h.version));
  let holder = holderOf(inProduction);
  let from = start;
  const segments: ProductionSegment[] = [];
  for (const event of eventsOldestFirst(input.changes.filter((c) => Date.parse(c.at) > windowStart))) {
    if (event[0].action === 'registry.baseline_adopted') {
      // A baseline is a whole snapshot: what it does not list in Production is not there.
      inProduction.clear();
      for (const c of event) if (c.to_stage === 'Production') inProduction.add(c.version);
    } else {
      for (const c of event) c.to_stage === 'Production' ? inProduction.add(c.version) : inProduction.delete(c.version);
    }
    const next = holderOf(inProduction);
    if (next === holder) continue;
    const at = Date.parse(event[0].at);
    if (at > from) segments.push({ version: holder, from, to: at });
    holder = next;
    from = at;
  }
  segments.push({ version: holder, from, to: Math.max(from, now) });
  return { start, end: now, recordBeginsInWindow, segments };
}

/**
 * The change that put each version where MLflow holds it now: its newest recorded change, when that
 * change ends in the version's current stage. A version whose newest change ends elsewhere was
 * moved without modelgate (drift not yet recorded): nothing is claimed for it.
 */
export function placements(versions: { version: string; stage: Stage }[], changesNewestFirst: StageChange[]): Map<string, StageChange> {
  const newest = new Map<string, StageChange>();
  for (const c of changesNewestFirst) if (!newest.has(c.version)) newest.set(c.version, c);
  const placed = new Map<string, StageChange>();
  for (const v of versions) {
    const c = newest.get(v.version);
    if (c && c.to_stage === v.stage) placed.set(v.version, c);
  }
  return placed;
}
