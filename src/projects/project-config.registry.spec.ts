import { ConfigCheck, checkProjectDocument } from './project-config';
import { registryModeRefusal } from './registry-support';

const makeConfig = (model?: Record<string, unknown>): Record<string, unknown> => ({
  project_name: 'recsys',
  version: '1.0.0',
  schedule: { enabled: false },
  batch: { pipeline: { steps: [{ id: 'train' }] } },
  ...(model ? { model } : {}),
});
const check = (model?: Record<string, unknown>): ConfigCheck => checkProjectDocument(makeConfig(model), { slackChannels: [] });

describe('model.registry, model.stage_aliases, model.provenance_tags', () => {
  it('defaults to stages mode, champion/challenger for aliases mode, and provenance tags on', () => {
    expect(check().definition).toEqual(
      expect.objectContaining({ registry: 'stages', stageAliases: { Staging: 'challenger', Production: 'champion' }, provenanceTags: true }),
    );
  });

  it('takes aliases mode with aliases of its own (stage names in any case), and provenance tags off', () => {
    const { definition, problems, warnings } = check({ registry: 'aliases', stage_aliases: { production: 'live' }, provenance_tags: false });
    expect({ problems, warnings }).toEqual({ problems: [], warnings: [] });
    expect(definition).toEqual(expect.objectContaining({ registry: 'aliases', stageAliases: { Staging: 'challenger', Production: 'live' }, provenanceTags: false }));
  });

  it('refuses model.aliases: true in aliases mode: the stages already are aliases', () => {
    expect(check({ registry: 'aliases', aliases: true }).problems).toEqual([
      { path: 'model.aliases', message: expect.stringContaining('aliases mode already uses aliases') },
    ]);
    expect(check({ registry: 'stages', aliases: true }).problems).toEqual([]);
    expect(check({ registry: 'aliases', aliases: false }).problems).toEqual([]);
  });

  it.each([
    [{ registry: 'alias' }, 'model.registry', 'must be stages or aliases'],
    [{ stage_aliases: { Archived: 'old' } }, 'model.stage_aliases.Archived', '"Archived" cannot have an alias (expected Staging or Production)'],
    [{ stage_aliases: { Production: 'latest' } }, 'model.stage_aliases.Production', '"latest" is reserved by MLflow'],
    [{ stage_aliases: { Production: 'v2' } }, 'model.stage_aliases.Production', '"v2" is reserved by MLflow (v<number> names a version)'],
    [{ stage_aliases: { Production: 'the best' } }, 'model.stage_aliases.Production', '"the best" is not an alias name (1-255 letters, digits, _ or -)'],
    [{ stage_aliases: { Staging: 'top', Production: 'top' } }, 'model.stage_aliases', 'each stage needs an alias of its own'],
    [{ stage_aliases: ['champion'] }, 'model.stage_aliases', 'must be a mapping of stage to alias, e.g. { Staging: challenger, Production: champion }'],
    [{ provenance_tags: 'no' }, 'model.provenance_tags', 'must be true or false, not a string'],
  ])('refuses model %p', (model, path, message) => {
    expect(check(model).problems).toEqual([{ path, message }]);
  });

  it('warns that stage_aliases do nothing in stages mode', () => {
    expect(check({ stage_aliases: { Production: 'live' } }).warnings).toEqual([
      { path: 'model.stage_aliases', message: expect.stringContaining('only with model.registry: aliases') },
    ]);
  });
});

describe('registryModeRefusal: aliases mode needs MLflow 2.3', () => {
  it.each([
    ['aliases', '2.2.2', true],
    ['aliases', '1.30.0', true],
    ['aliases', '2.3.0', false],
    ['aliases', '2.9.2', false],
    ['aliases', '3.11.2.dev0', false],
    ['aliases', undefined, false],
    ['aliases', 'not-a-version', false],
    ['stages', '2.2.2', false],
  ] as const)('%s mode on MLflow %s: refused %p', (registry, version, refused) => {
    const refusal = registryModeRefusal({ registry }, version);
    expect(refusal !== undefined).toBe(refused);
    if (refusal) expect(refusal).toEqual({ path: 'model.registry', message: expect.stringContaining(`is ${version}`) });
  });
});
