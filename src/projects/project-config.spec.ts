import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ConfigCheck, checkProjectDocument, formatPath } from './project-config';
import { readProjectYaml } from './project-yaml';

const FIXTURES = join(__dirname, '..', '..', 'test', 'fixtures');
const fixture = (path: string) => readFileSync(join(FIXTURES, path), 'utf8');

/** The smallest config the platform accepts, with overrides merged at the top level (undefined removes a key). */
function makeConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const config: Record<string, unknown> = {
    project_name: 'pricing',
    version: '0.4.0',
    schedule: { enabled: false },
    batch: { pipeline: { steps: [{ id: 'score', command: 'python score.py' }] } },
    ...overrides,
  };
  return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));
}

const check = (doc: unknown, slackChannels: string[] = []): ConfigCheck => checkProjectDocument(doc, { slackChannels });
const problems = (doc: unknown) => check(doc).problems;
const checkYaml = (text: string, slackChannels: string[] = []): ConfigCheck => {
  const read = readProjectYaml(text);
  if (read.problems.length > 0) return { problems: read.problems, warnings: read.warnings };
  const result = check(read.document, slackChannels);
  return { ...result, warnings: [...read.warnings, ...result.warnings] };
};

describe('the fixtures', () => {
  it.each(['recsys', 'churn'])('%s loads with no problem and keeps the document unchanged', (name) => {
    const text = fixture(`projects/${name}/config.yaml`);
    const result = checkYaml(text, ['ml-alerts', 'ml-pipelines']);
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.definition?.config).toEqual(parse(text));
  });

  it('resolves the defaults of recsys, which uses none of the optional sections', () => {
    const { definition } = checkYaml(fixture('projects/recsys/config.yaml'));
    expect(definition).toEqual(
      expect.objectContaining({
        name: 'recsys',
        version: '1.0.0',
        modelName: 'recsys',
        modelAliases: false,
        stateMachineName: 'recsys-workflow',
        promotion: {},
        deployGate: { prd: ['Production'], dev: ['Staging', 'Production'] },
        notifications: {
          onSuccess: ['ml-team@rentcars.com'],
          onFailure: ['ml-team@rentcars.com', 'oncall@rentcars.com'],
          onApprovalNeeded: ['ml-team@rentcars.com'],
          onDrift: ['ml-team@rentcars.com'],
        },
        drift: { action: 'alert', adoptExisting: true },
        owners: { techOwner: 'ml-team@rentcars.com', businessOwner: 'produto@rentcars.com' },
      }),
    );
    expect(definition?.stateMachineArn).toBeUndefined();
  });

  it('resolves the policy of churn', () => {
    const { definition } = checkYaml(fixture('projects/churn/config.yaml'), ['ml-alerts', 'ml-pipelines']);
    expect(definition?.modelName).toBe('churn-classifier');
    expect(definition?.modelAliases).toBe(true);
    expect(definition?.promotion.Staging).toEqual({
      approvals: 0,
      approvalTtlHours: 72,
      metrics: [{ metric: 'roc_auc', op: '>=', value: 0.8, raw: '>= 0.80' }],
      noRegression: [],
      requiredTags: {},
    });
    expect(definition?.promotion.Production).toEqual({
      approvals: 2,
      approvalTtlHours: 72,
      minHoursInStaging: 24,
      metrics: [
        { metric: 'roc_auc', op: '>=', value: 0.85, raw: '>= 0.85' },
        { metric: 'f1', op: '>=', value: 0.7, raw: '>= 0.70' },
      ],
      noRegression: [{ metric: 'roc_auc', tolerance: 0.01, better: 'higher' }],
      requiredTags: { validation_status: 'passed' },
    });
  });

  it.each([
    ['missing-project-name.yaml', [{ path: 'project_name', message: 'required' }]],
    ['schedule-enabled-without-cron.yaml', [{ path: 'schedule.cron', message: 'required when schedule.enabled is true' }]],
    [
      'bad-cron.yaml',
      [{ path: 'schedule.cron', message: '"every day at 3" is not a 5-field cron expression (minute hour day-of-month month day-of-week)' }],
    ],
    ['no-steps.yaml', [{ path: 'batch.pipeline.steps', message: 'must list at least one step' }]],
    [
      'bad-recipient.yaml',
      [
        { path: 'notifications.on_failure[0]', message: '"not-an-address" is neither an e-mail address nor slack:NAME' },
        { path: 'notifications.on_failure[1]', message: 'slack: needs a channel name, e.g. "slack:ml-alerts"' },
      ],
    ],
    [
      'bad-threshold.yaml',
      [
        { path: 'promotion.Production.approvals', message: 'must be a whole number >= 0' },
        { path: 'promotion.Production.metrics.roc_auc', message: '"about 0.8" is not a comparison like ">= 0.85" (operators >=, >, <=, <, ==)' },
      ],
    ],
  ])('refuses %s naming the field', (file, expected) => {
    const result = checkYaml(fixture(`projects-invalid/${file}`));
    expect(result.problems).toEqual(expected);
    expect(result.definition).toBeUndefined();
  });

  it('refuses not-yaml.yaml with the line and column of each syntax error', () => {
    const result = checkYaml(fixture('projects-invalid/not-yaml.yaml'));
    expect(result.problems.length).toBeGreaterThan(0);
    expect(result.problems[0]).toEqual({ path: '', message: expect.stringMatching(/^YAML syntax error: .* at line 1, column 16$/), line: 1, column: 16 });
    expect(result.problems.every((p) => p.message.startsWith('YAML syntax error') && p.line !== undefined)).toBe(true);
  });
});

describe('reading YAML', () => {
  it('refuses alias expansion beyond the limit (a YAML bomb)', () => {
    let text = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n';
    for (const [prev, next] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f'], ['f', 'g']]) {
      text += `${next}: &${next} [${Array(9).fill(`*${prev}`).join(',')}]\n`;
    }
    expect(checkYaml(text).problems).toEqual([{ path: '', message: 'the document expands more than 100 aliases (a YAML bomb) and is refused' }]);
  });

  it('accepts a few aliases', () => {
    const text = 'x: &steps [{ id: a }]\n' + 'project_name: p\nversion: "1"\nschedule: { enabled: false }\nbatch: { pipeline: { steps: *steps } }\n';
    expect(checkYaml(text).problems).toEqual([]);
  });

  it.each([
    ['a scalar', 'hello', 'the document must be a mapping of keys to values, not a string'],
    ['a list', '- a\n- b\n', 'the document must be a mapping of keys to values, not a list'],
    ['an empty document', '', 'the document is empty: expected a mapping of keys to values'],
    ['a comment only', '# nothing\n', 'the document is empty: expected a mapping of keys to values'],
  ])('refuses %s', (_label, text, message) => {
    expect(checkYaml(text).problems).toEqual([{ path: '', message }]);
  });

  it('refuses several documents in one text', () => {
    expect(checkYaml('a: 1\n---\nb: 2\n').problems[0].message).toMatch(/multiple documents/);
  });

  it('refuses a key given twice, naming it and its line', () => {
    expect(checkYaml('project_name: a\nproject_name: b\n').problems).toEqual([
      { path: 'project_name', message: 'the key appears twice in the same mapping', line: 2, column: 1 },
    ]);
    const nested = 'promotion:\n  Production:\n    approvals: 1\n    approvals: 2\nbatch: { pipeline: { steps: [{ id: a, id: b }] } }\n';
    expect(checkYaml(nested).problems).toEqual([
      { path: 'promotion.Production.approvals', message: 'the key appears twice in the same mapping', line: 4, column: 5 },
      { path: 'batch.pipeline.steps[0].id', message: 'the key appears twice in the same mapping', line: 5, column: 39 },
    ]);
  });

  it('refuses deep flow nesting before parsing it', () => {
    expect(checkYaml(`x: ${'['.repeat(100_000)}${']'.repeat(100_000)}`).problems).toEqual([{ path: '', message: 'nests deeper than 64 levels' }]);
  });

  it('reads 256 KiB of distinct keys without a quadratic slowdown (the own check of the yaml package took 18 s)', () => {
    let text = '';
    for (let i = 0; text.length < 256 * 1024; i++) text += `k${i}: 1\n`;
    const started = Date.now();
    expect(checkYaml(text).problems[0]).toEqual({ path: 'project_name', message: 'required' });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('refuses values JSON cannot hold (YAML 1.1 timestamps and binary, infinities)', () => {
    const result = checkYaml('%YAML 1.1\n---\nproject_name: p\nwhen: 2001-12-14\nblob: !!binary aGVsbG8=\nlimit: .inf\n');
    expect(result.problems).toEqual([
      { path: 'when', message: 'is a timestamp (quote it to keep it as text), which a config cannot hold' },
      { path: 'blob', message: 'is binary data, which a config cannot hold' },
      { path: 'limit', message: 'must be a finite number' },
    ]);
  });

  it('refuses a __proto__ key', () => {
    expect(checkYaml('__proto__: { project_name: x }\nversion: "1"\n').problems).toEqual([{ path: '', message: 'the key __proto__ is not allowed' }]);
  });

  it('refuses nesting deeper than 64 levels', () => {
    const deep = makeConfig({ extra: JSON.parse('['.repeat(100) + ']'.repeat(100)) });
    expect(problems(deep)).toEqual([{ path: `extra${'[0]'.repeat(63)}`, message: 'nests deeper than 64 levels' }]);
  });

  it('warns about tags it does not know and keeps the value as text', () => {
    const result = checkYaml(`${'project_name: p\nversion: "1"\nschedule: { enabled: false }\nbatch: { pipeline: { steps: [{ id: a }] } }\n'}x: !custom 3\n`);
    expect(result.problems).toEqual([]);
    expect(result.warnings[0]).toEqual(expect.objectContaining({ message: expect.stringMatching(/Unresolved tag: !custom/), line: 5 }));
    expect(result.definition?.config.x).toBe('3');
  });
});

describe('platform fields', () => {
  it.each([
    ['missing', undefined, 'required'],
    ['upper case', 'Pricing', 'must be 1-63 lowercase letters, digits, _ or -, starting with a letter or digit'],
    ['starting with _', '_errors', 'must be 1-63 lowercase letters, digits, _ or -, starting with a letter or digit'],
    ['64 characters', 'a'.repeat(64), 'must be 1-63 lowercase letters, digits, _ or -, starting with a letter or digit'],
    ['a number', 42, 'must be a string, not a number'],
  ])('project_name %s is refused', (_label, value, message) => {
    expect(problems(makeConfig({ project_name: value }))).toEqual([{ path: 'project_name', message }]);
  });

  it('project_name of 63 characters with _ and - is accepted', () => {
    expect(problems(makeConfig({ project_name: `a-b_${'c'.repeat(59)}` }))).toEqual([]);
  });

  it.each([
    [undefined, 'required'],
    [1.1, 'must be a string; quote it, e.g. version: "1.0.0"'],
    ['', 'must not be empty'],
  ])('version %p is refused', (value, message) => {
    expect(problems(makeConfig({ version: value }))).toEqual([{ path: 'version', message }]);
  });

  it.each([
    [undefined, [{ path: 'schedule', message: 'required' }]],
    [{}, [{ path: 'schedule.enabled', message: 'required' }]],
    [{ enabled: 'yes' }, [{ path: 'schedule.enabled', message: 'must be true or false, not a string' }]],
    [{ enabled: true }, [{ path: 'schedule.cron', message: 'required when schedule.enabled is true' }]],
    [{ enabled: true, cron: null }, [{ path: 'schedule.cron', message: 'required when schedule.enabled is true' }]],
  ])('schedule %p is refused', (schedule, expected) => {
    expect(problems(makeConfig({ schedule }))).toEqual(expected);
  });

  it.each(['0 3 * * *', '30 4 * * 1-5', '*/15 * * * *', '0 3 1,15 * MON'])('cron "%s" is accepted', (cron) => {
    expect(problems(makeConfig({ schedule: { enabled: true, cron } }))).toEqual([]);
  });

  it.each([
    ['0 0 3 * * *', /is not a 5-field cron expression/],
    ['0 3 * *', /is not a 5-field cron expression/],
    ['61 3 * * *', /"61 3 \* \* \*" is not a valid cron expression: .*61/],
    ['0 3 * * 9', /is not a valid cron expression/],
  ])('cron "%s" is refused', (cron, message) => {
    expect(problems(makeConfig({ schedule: { enabled: true, cron } }))).toEqual([{ path: 'schedule.cron', message: expect.stringMatching(message) }]);
  });

  it('checks a cron even when the schedule is disabled', () => {
    expect(problems(makeConfig({ schedule: { enabled: false, cron: 'daily' } }))[0].path).toBe('schedule.cron');
  });

  it.each([
    [{}, [{ path: 'batch.pipeline', message: 'required' }]],
    [{ pipeline: { steps: 'train' } }, [{ path: 'batch.pipeline.steps', message: 'must be a list, not a string' }]],
    [{ pipeline: { steps: [{ name: 'x' }] } }, [{ path: 'batch.pipeline.steps[0].id', message: 'required' }]],
    [{ pipeline: { steps: [{ id: ' ' }] } }, [{ path: 'batch.pipeline.steps[0].id', message: 'must not be empty' }]],
    [
      { pipeline: { steps: [{ id: 'a' }, { id: 'b' }, { id: 'a' }] } },
      [{ path: 'batch.pipeline.steps[2].id', message: 'duplicate step id "a" (also steps[0])' }],
    ],
  ])('batch %p is refused', (batch, expected) => {
    expect(problems(makeConfig({ batch }))).toEqual(expected);
  });

  it('keeps unknown keys at every level', () => {
    const doc = makeConfig({ infra: { compute: { spot: true } }, batch: { pipeline: { steps: [{ id: 'a', resources: { cpu: 1 } }], retries: 2 } } });
    expect(check(doc).definition?.config).toEqual(doc);
  });

  it('lists the problems of every section at once', () => {
    const doc = makeConfig({ project_name: undefined, schedule: { enabled: true }, batch: { pipeline: { steps: [] } }, notifications: { on_success: ['x'] } });
    expect(problems(doc).map((p) => p.path)).toEqual(['project_name', 'schedule.cron', 'batch.pipeline.steps', 'notifications.on_success[0]']);
  });
});

describe('model and state machine', () => {
  it('defaults the model to the project and aliases to false', () => {
    expect(check(makeConfig()).definition).toEqual(expect.objectContaining({ modelName: 'pricing', modelAliases: false }));
  });

  it('takes model.name and model.aliases', () => {
    expect(check(makeConfig({ model: { name: 'Pricing Model', aliases: true } })).definition).toEqual(
      expect.objectContaining({ modelName: 'Pricing Model', modelAliases: true }),
    );
  });

  it.each([
    [{ name: '' }, 'model.name', 'must not be empty'],
    [{ aliases: 'yes' }, 'model.aliases', 'must be true or false, not a string'],
  ])('refuses model %p', (model, path, message) => {
    expect(problems(makeConfig({ model }))).toEqual([{ path, message }]);
  });

  it('warns about an unknown key in model', () => {
    expect(check(makeConfig({ model: { nmae: 'x' } })).warnings).toEqual([{ path: 'model.nmae', message: 'unknown key: modelgate ignores it' }]);
  });

  it('names the state machine {project}-workflow unless an ARN is given', () => {
    expect(check(makeConfig()).definition?.stateMachineName).toBe('pricing-workflow');
    const arn = 'arn:aws:states:us-east-1:123456789012:stateMachine:pricing-v2';
    expect(check(makeConfig({ state_machine_arn: arn })).definition).toEqual(
      expect.objectContaining({ stateMachineArn: arn, stateMachineName: 'pricing-v2' }),
    );
  });

  it('refuses a state_machine_arn that is not one', () => {
    expect(problems(makeConfig({ state_machine_arn: 'pricing-workflow' }))[0].path).toBe('state_machine_arn');
  });
});

describe('formatPath', () => {
  it('writes indices in brackets and quotes keys that are not identifiers', () => {
    expect(formatPath(['a', 0, 'b-c', 'd.e', 'x y'])).toBe('a[0].b-c["d.e"]["x y"]');
    expect(formatPath([])).toBe('');
  });
});
