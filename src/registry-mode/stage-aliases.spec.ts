import { provenanceOf, provenanceTags } from './provenance';
import { aliasOfStage, derivedStage, stageUri, versionUri } from './stage-aliases';

const ALIASES = { Staging: 'challenger', Production: 'champion' };

describe('a version’s stage in aliases mode', () => {
  it.each([
    [['champion'], {}, 'Production'],
    [['challenger'], {}, 'Staging'],
    [['champion', 'challenger'], {}, 'Production'],
    [['champion'], { 'modelgate.stage': 'Archived' }, 'Production'],
    [['challenger'], { 'modelgate.stage': 'Archived' }, 'Staging'],
    [[], { 'modelgate.stage': 'Archived' }, 'Archived'],
    [[], { 'modelgate.stage': 'Production' }, 'None'],
    [['shadow'], { 'modelgate.stage': 'Staging' }, 'None'],
    [[], {}, 'None'],
  ] as const)('aliases %p, tags %p → %s', (aliases, tags, stage) => {
    expect(derivedStage(aliases, tags, ALIASES)).toBe(stage);
  });

  it('names the alias of Staging and Production only', () => {
    expect(['None', 'Staging', 'Production', 'Archived'].map((s) => aliasOfStage(s as never, ALIASES))).toEqual([undefined, 'challenger', 'champion', undefined]);
  });
});

describe('model URIs', () => {
  it('names a stage by alias in aliases mode, by stage in stages mode, and a version by number in both', () => {
    expect(stageUri('recsys', 'Production', ALIASES)).toBe('models:/recsys@champion');
    expect(stageUri('recsys', 'Staging', ALIASES)).toBe('models:/recsys@challenger');
    expect(stageUri('recsys', 'Production', undefined)).toBe('models:/recsys/Production');
    expect(versionUri('recsys', '3')).toBe('models:/recsys/3');
  });
});

describe('provenance tags', () => {
  const provenance = provenanceOf('p-1', { actor: 'alice', at: '2026-12-01T10:00:00.123Z', seq: 42 });

  it('say which change, who, when and which audit event; modelgate.stage only where it is provenance (stages mode)', () => {
    const base = {
      'modelgate.promotion_id': 'p-1',
      'modelgate.promoted_by': 'alice',
      'modelgate.promoted_at': '2026-12-01T10:00:00.123Z',
      'modelgate.audit_seq': '42',
    };
    expect(provenanceTags(provenance)).toEqual(base);
    expect(provenanceTags(provenance, 'Archived')).toEqual({ ...base, 'modelgate.stage': 'Archived' });
  });
});
