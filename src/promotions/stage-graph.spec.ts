import { parseStage, STAGES, type Stage } from '../common/stage';
import { allowedTargets, archivesExistingProduction, checkTransition, isAllowedTransition } from './stage-graph';

/** The stage graph, written out pair by pair so that every one of the 16 is asserted. */
const EXPECTED: Record<Stage, Record<Stage, boolean>> = {
  None: { None: false, Staging: true, Production: false, Archived: false },
  Staging: { None: false, Staging: false, Production: true, Archived: true },
  Production: { None: false, Staging: false, Production: false, Archived: true },
  Archived: { None: false, Staging: true, Production: false, Archived: false },
};

const PAIRS = STAGES.flatMap((from) => STAGES.map((to) => [from, to, EXPECTED[from][to]] as const));

describe('stage graph', () => {
  it('covers all 16 pairs, 5 of them allowed', () => {
    expect(PAIRS).toHaveLength(16);
    expect(PAIRS.filter(([, , allowed]) => allowed).map(([f, t]) => `${f}→${t}`)).toEqual([
      'None→Staging',
      'Staging→Production',
      'Staging→Archived',
      'Production→Archived',
      'Archived→Staging',
    ]);
  });

  it.each(PAIRS)('%s → %s allowed: %s', (from, to, allowed) => {
    expect(isAllowedTransition(from, to)).toBe(allowed);
    const check = checkTransition(from, to);
    expect(check.ok).toBe(allowed);
    if (check.ok) {
      expect(check).toEqual({ ok: true, from, to, archivesExistingProduction: to === 'Production' });
    } else {
      expect(check.details).toEqual({ current_stage: from, requested_stage: to, allowed_targets: allowedTargets(from) });
      expect(check.message).toContain(`from ${from} to ${to}`);
      for (const target of allowedTargets(from)) expect(check.message).toContain(target);
    }
  });

  it.each([
    ['None', ['Staging']],
    ['Staging', ['Production', 'Archived']],
    ['Production', ['Archived']],
    ['Archived', ['Staging']],
  ] as const)('from %s the allowed targets are %j', (from, targets) => {
    expect(allowedTargets(from)).toEqual(targets);
  });

  it('returns a fresh list each time, so a caller cannot alter the graph', () => {
    allowedTargets('Staging').push('None');
    expect(allowedTargets('Staging')).toEqual(['Production', 'Archived']);
  });

  it('says "already in" for a move to the same stage', () => {
    const check = checkTransition('Production', 'Production');
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.message).toBe(
        'cannot move a version from Production to Production: it is already in Production; from Production it may move to Archived',
      );
    }
  });

  it('names the skipped stage for None → Production', () => {
    const check = checkTransition('None', 'Production');
    expect(check).toEqual({
      ok: false,
      message: 'cannot move a version from None to Production: None → Production is not in the stage graph; from None it may move to Staging',
      details: { current_stage: 'None', requested_stage: 'Production', allowed_targets: ['Staging'] },
    });
  });

  it('archives the existing Production version only when entering Production', () => {
    expect(STAGES.filter(archivesExistingProduction)).toEqual(['Production']);
  });

  it('works on stages parsed case-insensitively from user input', () => {
    const to = parseStage('  pRoDuCtIoN ');
    expect(to).toBe('Production');
    expect(checkTransition('Staging', to!).ok).toBe(true);
  });
});
