import { placements, productionStrip } from './stage-history';
import type { Stage, StageChange } from './types';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 1, 12, 0);
const WINDOW = NOW - 90 * DAY;
let seq = 0;

/** One change `daysAgo` before NOW; changes sharing `event` share an audit event (seq and instant). */
function change(daysAgo: number, version: string, from: Stage | null, to: Stage, fields: { action?: string; actor?: string; event?: number } = {}): StageChange {
  return {
    seq: fields.event ?? ++seq,
    at: new Date(NOW - daysAgo * DAY).toISOString(),
    actor: fields.actor ?? 'alice',
    action: fields.action ?? 'promotion.completed',
    version,
    from_stage: from,
    to_stage: to,
    reason: null,
  };
}
/** Newest first, as the API lists them. */
const newestFirst = (...changes: StageChange[]) => [...changes].sort((a, b) => b.seq - a.seq);
const days = (segments: { version: string | null; from: number; to: number }[]) => segments.map((s) => [s.version, (NOW - s.from) / DAY, (NOW - s.to) / DAY]);

describe('productionStrip: which version was in Production, stretch by stretch', () => {
  it('follows two promotions and a rollback, from where the record begins inside the window', () => {
    const v1Staging = change(40, '1', 'None', 'Staging');
    const v1Production = change(30, '1', 'Staging', 'Production');
    const v2Staging = change(20, '2', 'None', 'Staging');
    const e = ++seq;
    const v2Production = [change(10, '2', 'Staging', 'Production', { event: e }), change(10, '1', 'Production', 'Archived', { event: e })];
    const r = ++seq;
    const rollback = [change(2, '1', 'Archived', 'Production', { event: r, action: 'rollback' }), change(2, '2', 'Production', 'Archived', { event: r, action: 'rollback' })];
    const strip = productionStrip({ windowStart: WINDOW, now: NOW, atStart: [], changes: newestFirst(v1Staging, v1Production, v2Staging, ...v2Production, ...rollback), complete: true })!;
    expect(strip.start).toBe(NOW - 40 * DAY);
    expect(strip.recordBeginsInWindow).toBe(true);
    expect(days(strip.segments)).toEqual([
      [null, 40, 30],
      ['1', 30, 10],
      ['2', 10, 2],
      ['1', 2, 0],
    ]);
  });

  it('starts at the window with the version that held Production then, when the record is older', () => {
    const older = change(120, '4', 'Staging', 'Production');
    const moved = [change(5, '5', 'Staging', 'Production', { event: 900 }), change(5, '4', 'Production', 'Archived', { event: 900 })];
    const strip = productionStrip({ windowStart: WINDOW, now: NOW, atStart: [{ version: '4', since: older.at }], changes: newestFirst(...moved, older), complete: true })!;
    expect([strip.start, strip.recordBeginsInWindow]).toEqual([WINDOW, false]);
    expect(days(strip.segments)).toEqual([
      ['4', 90, 5],
      ['5', 5, 0],
    ]);
  });

  it('does not claim the record begins in the window when the changes loaded stop short of the first one', () => {
    const strip = productionStrip({ windowStart: WINDOW, now: NOW, atStart: [{ version: '7', since: 'x' }], changes: [change(3, '8', 'Staging', 'Production', { event: 950 })], complete: false })!;
    expect(strip.start).toBe(WINDOW);
    expect(days(strip.segments)).toEqual([
      ['7', 90, 3],
      ['8', 3, 0],
    ]);
  });

  it('keeps the highest version when MLflow holds two in Production, and the other when the highest leaves', () => {
    const strip = productionStrip({
      windowStart: WINDOW,
      now: NOW,
      atStart: [{ version: '2', since: 'x' }],
      changes: newestFirst(change(6, '3', 'None', 'Production', { action: 'registry.drift_detected' }), change(4, '3', 'Production', 'Archived', { action: 'registry.drift_detected' })),
      complete: false,
    })!;
    expect(days(strip.segments)).toEqual([
      ['2', 90, 6],
      ['3', 6, 4],
      ['2', 4, 0],
    ]);
  });

  it('reads a baseline as a whole snapshot: a version it does not list in Production has left it', () => {
    const strip = productionStrip({
      windowStart: WINDOW,
      now: NOW,
      atStart: [{ version: '1', since: 'x' }],
      changes: [change(8, '2', null, 'Staging', { action: 'registry.baseline_adopted', event: 990 })],
      complete: false,
    })!;
    expect(days(strip.segments)).toEqual([
      ['1', 90, 8],
      [null, 8, 0],
    ]);
  });

  it('ignores changes at or before the window start (the `at` answer already holds them) and merges a restatement', () => {
    const before = change(90, '1', 'Staging', 'Production');
    const restated = change(50, '1', 'Production', 'Production', { action: 'registry.adopted' });
    const strip = productionStrip({ windowStart: WINDOW, now: NOW, atStart: [{ version: '1', since: before.at }], changes: newestFirst(before, restated), complete: true })!;
    expect(days(strip.segments)).toEqual([['1', 90, 0]]);
  });

  it('has nothing to draw when modelgate recorded nothing of the model', () => {
    expect(productionStrip({ windowStart: WINDOW, now: NOW, atStart: [], changes: [], complete: true })).toBeUndefined();
  });
});

describe('placements: the change that put each version where it is', () => {
  it('names the newest change of a version when it ends in its current stage, and nothing otherwise', () => {
    const history = newestFirst(
      change(9, '1', 'None', 'Staging'),
      change(8, '1', 'Staging', 'Production'),
      change(7, '2', null, 'Staging', { action: 'registry.baseline_adopted' }),
      change(6, '3', 'None', 'Staging', { actor: 'bob', action: 'registry.adopted' }),
    );
    const placed = placements(
      [
        { version: '1', stage: 'Production' },
        { version: '2', stage: 'Production' },
        { version: '3', stage: 'Staging' },
        { version: '4', stage: 'None' },
      ],
      history,
    );
    expect([...placed].map(([v, c]) => [v, c.action, c.actor, c.to_stage])).toEqual([
      ['1', 'promotion.completed', 'alice', 'Production'],
      ['3', 'registry.adopted', 'bob', 'Staging'],
    ]);
  });
});
