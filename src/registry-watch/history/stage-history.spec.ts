import type { AuditEvent } from '../../audit/audit-entry';
import type { AuditAction } from '../../audit/audit-action';
import type { JsonObject } from '../../common/canonical-json';
import type { Stage } from '../../common/stage';
import { STAGE_CHANGING_ACTIONS, StagesAt, stagesAt, stagesOf } from './stage-history';

let seq = 0;
/** An audit event as the store answers it; `minute` is its time on 2026-12-01 from 10:00. */
function event(action: string, minute: number, fields: { version?: string; from?: Stage | null; to?: Stage | null; details?: Record<string, unknown>; actor?: string; reason?: string } = {}): AuditEvent {
  seq += 1;
  return {
    seq,
    at: new Date(Date.UTC(2026, 11, 1, 10, minute)).toISOString(),
    actor: fields.actor ?? 'alice',
    action: action as AuditAction,
    model: 'recsys',
    version: fields.version ?? null,
    from_stage: fields.from ?? null,
    to_stage: fields.to ?? null,
    reason: fields.reason ?? null,
    details: (fields.details ?? {}) as JsonObject,
    prev_hash: '0'.repeat(64),
    hash: '1'.repeat(64),
  };
}
const at = (minute: number, second = 0) => new Date(Date.UTC(2026, 11, 1, 10, minute, second));
const iso = (minute: number) => at(minute).toISOString();
const changes = (e: AuditEvent) => stagesOf(e).changes.map((c) => [c.version, c.from_stage, c.to_stage]);
const empty: StagesAt = { Staging: [], Production: [], Archived: [] };

describe('stagesOf: the stage changes one audit event records', () => {
  it('promotion.completed and rollback: the version to its stage, and each archived version from that stage to Archived', () => {
    expect(changes(event('promotion.completed', 0, { version: '1', from: 'None', to: 'Staging' }))).toEqual([['1', 'None', 'Staging']]);
    const promoted = event('promotion.completed', 1, { version: '3', from: 'Staging', to: 'Production', details: { promotion_id: 'p', archived_versions: ['2', '1'] } });
    expect(changes(promoted)).toEqual([
      ['3', 'Staging', 'Production'],
      ['2', 'Production', 'Archived'],
      ['1', 'Production', 'Archived'],
    ]);
    const rolledBack = event('rollback', 2, { version: '2', from: 'Archived', to: 'Production', details: { archived_versions: ['3'] }, reason: 'v3 hurts', actor: 'bob' });
    expect(stagesOf(rolledBack).changes).toEqual([
      { seq: rolledBack.seq, at: rolledBack.at, actor: 'bob', action: 'rollback', version: '2', from_stage: 'Archived', to_stage: 'Production', reason: 'v3 hurts' },
      { seq: rolledBack.seq, at: rolledBack.at, actor: 'bob', action: 'rollback', version: '3', from_stage: 'Production', to_stage: 'Archived', reason: 'v3 hurts' },
    ]);
  });

  it('promotion.rejected: the candidate to Archived only when it was archived', () => {
    expect(changes(event('promotion.rejected', 0, { version: '4', from: 'Staging', to: 'Production', details: { archived_candidate: true } }))).toEqual([['4', 'Staging', 'Archived']]);
    expect(changes(event('promotion.rejected', 0, { version: '4', from: 'Staging', to: 'Production', details: { archived_candidate: false } }))).toEqual([]);
    expect(changes(event('promotion.rejected', 0, { version: '4', from: 'Staging', to: 'Production' }))).toEqual([]);
  });

  it('registry.baseline_adopted: a snapshot of every version not in None, from nothing known', () => {
    const baseline = event('registry.baseline_adopted', 0, { actor: 'system:registry-watch', details: { versions: [
      { version: '1', stage: 'Archived', aliases: [] },
      { version: '2', stage: 'Production', aliases: ['production'] },
      { version: '3', stage: 'None', aliases: [] },
    ] } });
    expect(stagesOf(baseline)).toMatchObject({ snapshot: true });
    expect(changes(baseline)).toEqual([
      ['1', null, 'Archived'],
      ['2', null, 'Production'],
    ]);
  });

  it('drift detected (expected → observed), adopted, resolved: the version to the event’s to_stage', () => {
    for (const action of ['registry.drift_detected', 'registry.adopted', 'registry.drift_resolved']) {
      expect(changes(event(action, 0, { version: '3', from: 'Staging', to: 'Production' }))).toEqual([['3', 'Staging', 'Production']]);
    }
  });

  it('registry.drift_reverted: the version back, and each restored Production version (plain or described)', () => {
    const reverted = event('registry.drift_reverted', 0, { version: '3', from: 'Production', to: 'Staging', details: { restored_versions: ['2', { version: 5, stage: 'Production', from_stage: 'Archived' }, 7] } });
    expect(changes(reverted)).toEqual([
      ['3', 'Production', 'Staging'],
      ['2', 'Archived', 'Production'],
      ['5', 'Archived', 'Production'],
      ['7', 'Archived', 'Production'],
    ]);
  });

  it('leaves out what it cannot read rather than guessing', () => {
    expect(changes(event('promotion.completed', 0, { to: 'Staging' }))).toEqual([]);
    expect(changes(event('promotion.completed', 0, { version: '1', to: null }))).toEqual([]);
    expect(changes(event('promotion.completed', 0, { version: '1', from: 'None', to: 'Staging', details: { archived_versions: 'x' } }))).toEqual([['1', 'None', 'Staging']]);
    expect(changes(event('registry.baseline_adopted', 0, { details: { versions: [{ version: '1', stage: 'Prod' }, { stage: 'Staging' }, null, '2'] } }))).toEqual([]);
    expect(changes(event('registry.drift_reverted', 0, { version: '3', from: 'Production', to: 'Staging', details: { restored_versions: [{ version: '2', stage: 'bogus' }, ''] } }))).toEqual([['3', 'Production', 'Staging']]);
  });

  it('records no stage change for any other action', () => {
    for (const action of ['promotion.requested', 'promotion.approved', 'promotion.denied', 'promotion.failed', 'promotion.cancelled', 'project.updated', 'api_key.created']) {
      expect(STAGE_CHANGING_ACTIONS).not.toContain(action);
      expect(changes(event(action, 0, { version: '1', from: 'None', to: 'Staging' }))).toEqual([]);
    }
  });
});

describe('stagesAt: which version held each stage at an instant', () => {
  // v1 Staging → Production, v2 Staging → Production (v1 archived), rollback (v1 back, v2 archived)
  const history = [
    event('promotion.completed', 0, { version: '1', from: 'None', to: 'Staging' }),
    event('promotion.completed', 10, { version: '1', from: 'Staging', to: 'Production' }),
    event('promotion.completed', 20, { version: '2', from: 'None', to: 'Staging' }),
    event('promotion.requested', 25, { version: '2', from: 'Staging', to: 'Production' }),
    event('promotion.completed', 30, { version: '2', from: 'Staging', to: 'Production', details: { archived_versions: ['1'] } }),
    event('rollback', 40, { version: '1', from: 'Archived', to: 'Production', details: { archived_versions: ['2'] } }),
  ];

  it('is empty before anything happened, and for a model with no history', () => {
    expect(stagesAt(history, at(0, -1))).toEqual(empty);
    expect(stagesAt([], at(99))).toEqual(empty);
  });

  it('counts an event at exactly the instant, and none after it', () => {
    expect(stagesAt(history, at(0))).toEqual({ ...empty, Staging: [{ version: '1', since: iso(0) }] });
    expect(stagesAt(history, at(9, 59))).toEqual({ ...empty, Staging: [{ version: '1', since: iso(0) }] });
  });

  it('follows the promotions and the rollback', () => {
    expect(stagesAt(history, at(10))).toEqual({ ...empty, Production: [{ version: '1', since: iso(10) }] });
    expect(stagesAt(history, at(25))).toEqual({ Staging: [{ version: '2', since: iso(20) }], Production: [{ version: '1', since: iso(10) }], Archived: [] });
    expect(stagesAt(history, at(35))).toEqual({ Staging: [], Production: [{ version: '2', since: iso(30) }], Archived: [{ version: '1', since: iso(30) }] });
    expect(stagesAt(history, at(45))).toEqual({ Staging: [], Production: [{ version: '1', since: iso(40) }], Archived: [{ version: '2', since: iso(40) }] });
  });

  it('takes the events in log order whatever their clock says, ignoring those after the instant', () => {
    const skewed = [history[0], { ...event('promotion.completed', 5, { version: '1', from: 'Staging', to: 'Production' }), at: iso(50) }, event('promotion.completed', 20, { version: '2', from: 'None', to: 'Staging' })];
    expect(stagesAt(skewed, at(30))).toEqual({ ...empty, Staging: [{ version: '1', since: iso(0) }, { version: '2', since: iso(20) }] });
  });

  it('keeps `since` when an event restates where a version already is (an adoption)', () => {
    const events = [
      event('registry.drift_detected', 0, { version: '3', from: 'Staging', to: 'Production', actor: 'system:registry-watch' }),
      event('registry.adopted', 5, { version: '3', from: 'Staging', to: 'Production', actor: 'carol' }),
    ];
    expect(stagesAt(events, at(10)).Production).toEqual([{ version: '3', since: iso(0) }]);
  });

  it('sees an out-of-band Production move (two drifts), its revert with the old Production restored, and a drift resolved by MLflow', () => {
    const events = [
      event('promotion.completed', 0, { version: '2', from: 'Staging', to: 'Production' }),
      event('promotion.completed', 1, { version: '3', from: 'None', to: 'Staging' }),
      event('registry.drift_detected', 10, { version: '3', from: 'Staging', to: 'Production' }),
      event('registry.drift_detected', 10, { version: '2', from: 'Production', to: 'Archived' }),
      event('registry.drift_reverted', 11, { version: '3', from: 'Production', to: 'Staging', details: { restored_versions: ['2'] } }),
      event('registry.drift_detected', 20, { version: '3', from: 'Staging', to: 'Archived' }),
      event('registry.drift_resolved', 21, { version: '3', from: 'Archived', to: 'Staging' }),
    ];
    expect(stagesAt(events, at(10))).toEqual({ Staging: [], Production: [{ version: '3', since: iso(10) }], Archived: [{ version: '2', since: iso(10) }] });
    expect(stagesAt(events, at(11))).toEqual({ Staging: [{ version: '3', since: iso(11) }], Production: [{ version: '2', since: iso(11) }], Archived: [] });
    expect(stagesAt(events, at(20)).Archived).toEqual([{ version: '3', since: iso(20) }]);
    expect(stagesAt(events, at(21))).toEqual({ Staging: [{ version: '3', since: iso(21) }], Production: [{ version: '2', since: iso(11) }], Archived: [] });
  });

  it('lists one Production version, the highest, when MLflow held several (moved there without archiving)', () => {
    const events = [
      event('promotion.completed', 0, { version: '10', from: 'Staging', to: 'Production' }),
      event('registry.drift_detected', 5, { version: '9', from: 'Staging', to: 'Production' }),
    ];
    expect(stagesAt(events, at(6)).Production).toEqual([{ version: '10', since: iso(0) }]);
  });

  it('takes a baseline as the whole truth then: versions it does not list are back in None', () => {
    const events = [
      event('promotion.completed', 0, { version: '1', from: 'None', to: 'Staging' }),
      event('promotion.completed', 1, { version: '2', from: 'None', to: 'Staging' }),
      event('registry.baseline_adopted', 5, { details: { versions: [{ version: '2', stage: 'Staging' }, { version: '4', stage: 'Archived' }, { version: '1', stage: 'None' }] } }),
    ];
    expect(stagesAt(events, at(5))).toEqual({ Staging: [{ version: '2', since: iso(1) }], Production: [], Archived: [{ version: '4', since: iso(5) }] });
  });

  it('sorts each stage by version number', () => {
    const events = ['10', '9', '100'].map((v, i) => event('promotion.completed', i, { version: v, from: 'None', to: 'Staging' }));
    expect(stagesAt(events, at(9)).Staging.map((h) => h.version)).toEqual(['9', '10', '100']);
  });
});
