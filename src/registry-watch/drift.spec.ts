import { STAGES, Stage } from '../common/stage';
import {
  MANAGED_ALIASES,
  ObservedVersion,
  OpenDrift,
  VersionState,
  baselineOf,
  differences,
  driftChanges,
  managedAliases,
  revertPlan,
  stageUnaccounted,
  withVersionState,
} from './drift';

const AT = new Date('2026-12-01T10:00:00Z');
const seen = (version: string, stage: Stage, aliases: string[] = []): ObservedVersion => ({ version, stage, aliases, lastUpdatedAt: AT });
const state = (stage: Stage, aliases: string[] = []): VersionState => ({ stage, aliases });
const expect_ = (entries: [string, VersionState][]) => new Map(entries);
const MANAGED = [...MANAGED_ALIASES];

describe('drift comparison', () => {
  it('finds a difference exactly when the stage differs, for every pair of stages', () => {
    for (const want of STAGES) {
      for (const have of STAGES) {
        const found = differences(expect_([['1', state(want)]]), [seen('1', have)], MANAGED);
        expect(found).toEqual(want === have ? [] : [{ version: '1', expected: state(want), observed: state(have), lastUpdatedAt: AT }]);
      }
    }
  });

  it('expects a version modelgate never touched in None, without aliases', () => {
    expect(differences(new Map(), [seen('4', 'None')], MANAGED)).toEqual([]);
    expect(differences(new Map(), [seen('4', 'Staging')], MANAGED)).toEqual([{ version: '4', expected: state('None'), observed: state('Staging'), lastUpdatedAt: AT }]);
    expect(differences(new Map(), [seen('4', 'None', ['production'])], MANAGED)).toHaveLength(1);
  });

  it('counts only the aliases modelgate manages, and none when it manages none', () => {
    const expected = expect_([['2', state('Production', ['production'])]]);
    expect(differences(expected, [seen('2', 'Production', ['champion', 'production'])], MANAGED)).toEqual([]);
    expect(differences(expected, [seen('2', 'Production', [])], MANAGED)).toEqual([
      { version: '2', expected: state('Production', ['production']), observed: state('Production'), lastUpdatedAt: AT },
    ]);
    expect(differences(expected, [seen('2', 'Production', ['staging'])], [])).toEqual([]);
    expect(differences(new Map(), [seen('3', 'None', ['staging', 'production', 'staging'])], MANAGED)[0].observed).toEqual(state('None', ['production', 'staging']));
  });

  it('lists the differences lowest version first, as numbers', () => {
    const found = differences(new Map(), [seen('10', 'Staging'), seen('9', 'Staging'), seen('2', 'Archived')], MANAGED);
    expect(found.map((d) => d.version)).toEqual(['2', '9', '10']);
  });

  it('narrows and sorts aliases', () => {
    expect(managedAliases(['staging', 'champion', 'production', 'staging'], MANAGED)).toEqual(['production', 'staging']);
    expect(managedAliases(['staging'], [])).toEqual([]);
  });
});

describe('drift changes between checks', () => {
  const diff = (version: string, observed: VersionState) => ({ version, expected: state('Staging'), observed, lastUpdatedAt: AT });
  const open = (id: string, version: string, observed: VersionState): OpenDrift => ({ id, version, observed });
  const versions = (...v: string[]) => new Set(v);

  it('detects a new difference once, and not again while it stays the same', () => {
    const d = diff('3', state('Production'));
    expect(driftChanges([d], [], versions('3'))).toEqual({ detected: [d], superseded: [], returned: [] });
    expect(driftChanges([d], [open('a', '3', state('Production'))], versions('3'))).toEqual({ detected: [], superseded: [], returned: [] });
  });

  it('supersedes an open drift whose version moved again, as a new detection', () => {
    const d = diff('3', state('Archived'));
    const before = open('a', '3', state('Production'));
    expect(driftChanges([d], [before], versions('3'))).toEqual({ detected: [d], superseded: [before], returned: [] });
    const aliasOnly = diff('3', state('Production', ['production']));
    expect(driftChanges([aliasOnly], [before], versions('3')).superseded).toEqual([before]);
  });

  it('marks an open drift returned when MLflow is back as expected, but keeps one whose version MLflow no longer lists', () => {
    const back = open('a', '3', state('Production'));
    const gone = open('b', '7', state('Production'));
    expect(driftChanges([], [back, gone], versions('3'))).toEqual({ detected: [], superseded: [], returned: [back] });
  });
});

describe('baseline, expectation updates, revert', () => {
  it('adopts every version not untouched, aliases narrowed', () => {
    const baseline = baselineOf([seen('3', 'None'), seen('2', 'Production', ['champion', 'production']), seen('1', 'Archived'), seen('4', 'None', ['staging'])], MANAGED);
    expect([...baseline]).toEqual([
      ['1', state('Archived')],
      ['2', state('Production', ['production'])],
      ['4', state('None', ['staging'])],
    ]);
    expect(baselineOf([seen('1', 'None', ['staging'])], []).size).toBe(0);
  });

  it('moves an alias a version takes away from the version that held it', () => {
    const before = expect_([
      ['1', state('Production', ['production'])],
      ['2', state('Staging', ['staging'])],
    ]);
    const after = withVersionState(before, '3', state('Production', ['production']));
    expect([...after]).toEqual([
      ['1', state('Production')],
      ['2', state('Staging', ['staging'])],
      ['3', state('Production', ['production'])],
    ]);
    expect(before.get('1')).toEqual(state('Production', ['production']));
  });

  it('reverts an out-of-band Production move: the intruder leaves first, the archived Production returns last', () => {
    const expected = expect_([
      ['2', state('Production', ['production'])],
      ['3', state('Staging', ['staging'])],
    ]);
    const drifts = [
      { version: '2', expected: state('Production', ['production']), observed: state('Archived'), lastUpdatedAt: AT },
      { version: '3', expected: state('Staging', ['staging']), observed: state('Production', ['production']), lastUpdatedAt: AT },
    ];
    expect(revertPlan(drifts, expected, MANAGED)).toEqual({
      transitions: [
        { version: '3', from: 'Production', to: 'Staging' },
        { version: '2', from: 'Archived', to: 'Production' },
      ],
      aliases: [
        { alias: 'production', version: '2' },
        { alias: 'staging', version: '3' },
      ],
    });
  });

  it('deletes an alias no version is expected to hold, and moves no stage for an alias-only drift', () => {
    const drifts = [{ version: '5', expected: state('None'), observed: state('None', ['production']), lastUpdatedAt: AT }];
    expect(revertPlan(drifts, new Map(), MANAGED)).toEqual({ transitions: [], aliases: [{ alias: 'production', version: null }] });
    expect(revertPlan(drifts, new Map(), [])).toEqual({ transitions: [], aliases: [] });
  });

  it('tells whether a stage is unaccounted for', () => {
    expect(stageUnaccounted(undefined, 'None')).toBe(false);
    expect(stageUnaccounted(undefined, 'Production')).toBe(true);
    expect(stageUnaccounted(state('Production'), 'Production')).toBe(false);
    expect(stageUnaccounted(state('Staging', ['staging']), 'Production')).toBe(true);
  });
});
