import { ConfigCheck, checkProjectDocument } from './project-config';

/** The smallest config the platform accepts, with overrides merged at the top level. */
function makeConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    project_name: 'pricing',
    version: '0.4.0',
    schedule: { enabled: false },
    batch: { pipeline: { steps: [{ id: 'score', command: 'python score.py' }] } },
    ...overrides,
  };
}

const check = (doc: unknown, slackChannels: string[] = []): ConfigCheck => checkProjectDocument(doc, { slackChannels });
const problems = (doc: unknown) => check(doc).problems;
const policy = (production: unknown) => makeConfig({ promotion: { Production: production } });

describe('promotion policies', () => {
  it('accepts stage names in any case and stores them canonical', () => {
    const { definition } = check(makeConfig({ promotion: { production: { approvals: 1 }, STAGING: null } }));
    expect(Object.keys(definition!.promotion).sort()).toEqual(['Production', 'Staging']);
    expect(definition!.promotion.Staging).toEqual({ approvals: 0, approvalTtlHours: 72, metrics: [], noRegression: [], requiredTags: {} });
  });

  it.each([
    ['Prod', 'unknown stage "Prod" (expected Staging, Production, Archived)'],
    ['None', 'None is not a promotion target (expected Staging, Production, Archived)'],
  ])('refuses the stage key %s', (key, message) => {
    expect(problems(makeConfig({ promotion: { [key]: { approvals: 1 } } }))).toEqual([{ path: `promotion.${key}`, message }]);
  });

  it('refuses two keys naming the same stage', () => {
    expect(problems(makeConfig({ promotion: { Production: {}, production: {} } }))).toEqual([
      { path: 'promotion.production', message: 'names the same stage as "Production"' },
    ]);
  });

  it.each([
    [-1, 'must be a whole number >= 0'],
    [1.5, 'must be a whole number >= 0'],
    ['2', 'must be a number, not a string'],
  ])('refuses approvals %p', (approvals, message) => {
    expect(problems(policy({ approvals }))).toEqual([{ path: 'promotion.Production.approvals', message }]);
  });

  it('takes approval_ttl_hours (fractions too), default 72, and refuses 0', () => {
    expect(check(policy({ approval_ttl_hours: 0.5 })).definition?.promotion.Production?.approvalTtlHours).toBe(0.5);
    expect(check(policy({})).definition?.promotion.Production?.approvalTtlHours).toBe(72);
    expect(problems(policy({ approval_ttl_hours: 0 }))).toEqual([
      { path: 'promotion.Production.approval_ttl_hours', message: 'must be a number of hours > 0' },
    ]);
  });

  it('takes min_hours_in_staging >= 0 and refuses a negative one', () => {
    expect(check(policy({ min_hours_in_staging: 0 })).definition?.promotion.Production?.minHoursInStaging).toBe(0);
    expect(problems(policy({ min_hours_in_staging: -1 }))).toEqual([
      { path: 'promotion.Production.min_hours_in_staging', message: 'must be a number of hours >= 0' },
    ]);
  });

  it('parses every threshold operator', () => {
    const metrics = { a: '>= 0.85', b: '> 1', c: '<= -2.5', d: '<0.2', e: '== 1', f: '>= 1e-3' };
    expect(check(policy({ metrics })).definition?.promotion.Production?.metrics).toEqual([
      { metric: 'a', op: '>=', value: 0.85, raw: '>= 0.85' },
      { metric: 'b', op: '>', value: 1, raw: '> 1' },
      { metric: 'c', op: '<=', value: -2.5, raw: '<= -2.5' },
      { metric: 'd', op: '<', value: 0.2, raw: '<0.2' },
      { metric: 'e', op: '==', value: 1, raw: '== 1' },
      { metric: 'f', op: '>=', value: 0.001, raw: '>= 1e-3' },
    ]);
  });

  it.each([
    ['about 0.8', '"about 0.8" is not a comparison like ">= 0.85" (operators >=, >, <=, <, ==)'],
    ['=> 0.8', '"=> 0.8" is not a comparison like ">= 0.85" (operators >=, >, <=, <, ==)'],
    ['>= ', '">= " is not a comparison like ">= 0.85" (operators >=, >, <=, <, ==)'],
    [0.8, 'must be a comparison like ">= 0.85" (operators >=, >, <=, <, ==), in quotes'],
  ])('refuses the threshold %p', (raw, message) => {
    expect(problems(policy({ metrics: { roc_auc: raw } }))).toEqual([{ path: 'promotion.Production.metrics.roc_auc', message }]);
  });

  it('quotes metric names that are not plain identifiers in paths', () => {
    expect(problems(policy({ metrics: { 'val.auc': 'high' } }))[0].path).toBe('promotion.Production.metrics["val.auc"]');
  });

  it('resolves no_regression as a tolerance (higher is better) or an object', () => {
    const rules = { roc_auc: 0.01, rmse: { tolerance: 0.5, better: 'lower' }, f1: { tolerance: 0 } };
    expect(check(policy({ no_regression: rules })).definition?.promotion.Production?.noRegression).toEqual([
      { metric: 'roc_auc', tolerance: 0.01, better: 'higher' },
      { metric: 'rmse', tolerance: 0.5, better: 'lower' },
      { metric: 'f1', tolerance: 0, better: 'higher' },
    ]);
  });

  it.each([
    [-0.1, 'promotion.Production.no_regression.auc', 'must be a tolerance >= 0'],
    ['0.1', 'promotion.Production.no_regression.auc', 'must be a tolerance >= 0, or { tolerance, better: lower | higher }'],
    [{ better: 'lower' }, 'promotion.Production.no_regression.auc.tolerance', 'required'],
    [{ tolerance: -1 }, 'promotion.Production.no_regression.auc.tolerance', 'must be a number >= 0'],
    [{ tolerance: 1, better: 'smaller' }, 'promotion.Production.no_regression.auc.better', 'must be lower or higher'],
  ])('refuses no_regression %p', (rule, path, message) => {
    expect(problems(policy({ no_regression: { auc: rule } }))).toEqual([{ path, message }]);
  });

  it('takes required_tags as a string map and refuses other values', () => {
    expect(check(policy({ required_tags: { validation_status: 'passed' } })).definition?.promotion.Production?.requiredTags).toEqual({
      validation_status: 'passed',
    });
    expect(problems(policy({ required_tags: { validated: true } }))).toEqual([
      { path: 'promotion.Production.required_tags.validated', message: 'must be a string (quote it)' },
    ]);
    expect(problems(policy({ required_tags: ['a'] }))).toEqual([{ path: 'promotion.Production.required_tags', message: 'must be a mapping, not a list' }]);
  });

  it('warns about an unknown key in a policy, which would otherwise weaken it silently', () => {
    expect(check(policy({ aprovals: 2 })).warnings).toEqual([{ path: 'promotion.Production.aprovals', message: 'unknown key: modelgate ignores it' }]);
  });
});

describe('deploy gate', () => {
  it('merges the given environments over the defaults, stages canonical and once', () => {
    const { definition } = check(makeConfig({ deploy_gate: { prd: ['production', 'PRODUCTION'], hml: ['staging'] } }));
    expect(definition?.deployGate).toEqual({ prd: ['Production'], dev: ['Staging', 'Production'], hml: ['Staging'] });
  });

  it.each([
    [{ prd: [] }, 'deploy_gate.prd', 'must list at least one stage'],
    [{ prd: 'Production' }, 'deploy_gate.prd', 'must be a list of stages, e.g. [Production]'],
    [{ prd: ['Archived'] }, 'deploy_gate.prd[0]', '"Archived" is not a stage a deployment can come from (Staging or Production)'],
    [{ prd: ['Prod'] }, 'deploy_gate.prd[0]', '"Prod" is not a stage a deployment can come from (Staging or Production)'],
    [{ 'p r d': ['Production'] }, 'deploy_gate["p r d"]', 'is not an environment name (letters, digits, _ or -; at most 32)'],
  ])('refuses %p', (gate, path, message) => {
    expect(problems(makeConfig({ deploy_gate: gate }))).toEqual([{ path, message }]);
  });
});

describe('notifications', () => {
  it('accepts e-mail addresses and slack:NAME, warning about a channel not in SLACK_WEBHOOKS', () => {
    const result = check(makeConfig({ notifications: { on_failure: ['a@b.com', 'slack:ml-alerts', 'slack:unknown'] } }), ['ml-alerts']);
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([
      { path: 'notifications.on_failure[2]', message: 'Slack channel "unknown" is not in SLACK_WEBHOOKS: notifications to it will fail' },
    ]);
  });

  it.each([
    ['ml-team', '"ml-team" is neither an e-mail address nor slack:NAME'],
    ['slack:', 'slack: needs a channel name, e.g. "slack:ml-alerts"'],
    ['slack:#alerts', '"#alerts" is not a channel name (letters, digits, . _ -)'],
  ])('refuses the recipient %p', (recipient, message) => {
    expect(problems(makeConfig({ notifications: { on_success: [recipient] } }))).toEqual([{ path: 'notifications.on_success[0]', message }]);
  });

  it('refuses a recipient list that is not a list', () => {
    expect(problems(makeConfig({ notifications: { on_failure: 'a@b.com' } }))).toEqual([
      { path: 'notifications.on_failure', message: 'must be a list, not a string' },
    ]);
  });

  it('defaults on_approval_needed to the tech owner, and keeps an explicit empty list', () => {
    const owners = { tech_owner: 'lead@rentcars.com' };
    expect(check(makeConfig({ owners })).definition?.notifications.onApprovalNeeded).toEqual(['lead@rentcars.com']);
    expect(check(makeConfig({ owners, notifications: { on_approval_needed: [] } })).definition?.notifications.onApprovalNeeded).toEqual([]);
    expect(check(makeConfig()).definition?.notifications).toEqual({ onSuccess: [], onFailure: [], onApprovalNeeded: [], onDrift: [] });
  });

  it('defaults on_drift to the tech owner, and keeps an explicit list', () => {
    const owners = { tech_owner: 'lead@rentcars.com' };
    expect(check(makeConfig({ owners })).definition?.notifications.onDrift).toEqual(['lead@rentcars.com']);
    expect(check(makeConfig({ owners, notifications: { on_drift: ['slack:ml-alerts'] } })).definition?.notifications.onDrift).toEqual(['slack:ml-alerts']);
    expect(problems(makeConfig({ notifications: { on_drift: ['nobody'] } }))).toEqual([
      { path: 'notifications.on_drift[0]', message: '"nobody" is neither an e-mail address nor slack:NAME' },
    ]);
  });

  it('warns when the tech owner cannot be notified of approvals', () => {
    const result = check(makeConfig({ owners: { tech_owner: 'Maria' } }));
    expect(result.definition?.notifications.onApprovalNeeded).toEqual([]);
    expect(result.warnings).toEqual([
      { path: 'owners.tech_owner', message: 'is not an e-mail address or slack:NAME, so approval requests will notify no one' },
    ]);
  });
});

describe('drift', () => {
  it('alerts and adopts existing state unless told otherwise', () => {
    expect(check(makeConfig()).definition?.drift).toEqual({ action: 'alert', adoptExisting: true });
    expect(check(makeConfig({ drift: { action: 'revert', adopt_existing: false } })).definition?.drift).toEqual({ action: 'revert', adoptExisting: false });
  });

  it('refuses an unknown action or a non-boolean adopt_existing, and warns of unknown keys', () => {
    expect(problems(makeConfig({ drift: { action: 'ignore', adopt_existing: 'yes' } }))).toEqual([
      { path: 'drift.action', message: 'must be alert or revert' },
      { path: 'drift.adopt_existing', message: 'must be true or false, not a string' },
    ]);
    expect(check(makeConfig({ drift: { actoin: 'revert' } })).warnings).toEqual([{ path: 'drift.actoin', message: 'unknown key: modelgate ignores it' }]);
  });
});
