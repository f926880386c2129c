import type { MetricThreshold, StagePolicy } from './policy-types';
import { evaluatePolicy } from './policy-evaluator';
import type { PolicyFacts } from './policy-verdict';

const NOW = new Date('2024-05-10T12:00:00.000Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);

function makePolicy(overrides: Partial<StagePolicy> = {}): StagePolicy {
  return { approvals: 0, approvalTtlHours: 72, metrics: [], noRegression: [], requiredTags: {}, ...overrides };
}

function makeFacts(overrides: Partial<PolicyFacts> & { metrics?: Record<string, number>; tags?: Record<string, string> } = {}): PolicyFacts {
  const { metrics = {}, tags = {}, ...rest } = overrides;
  return { candidate: { version: '2', metrics, tags }, now: NOW, modelClaimed: true, ...rest };
}

const threshold = (metric: string, op: MetricThreshold['op'], value: number): MetricThreshold => ({ metric, op, value, raw: `${op}${value}` });

describe('evaluatePolicy: the verdict', () => {
  const FULL = makePolicy({
    approvals: 2,
    minHoursInStaging: 24,
    metrics: [threshold('roc_auc', '>=', 0.85), threshold('f1', '>=', 0.8)],
    noRegression: [{ metric: 'roc_auc', tolerance: 0.01, better: 'higher' }],
    requiredTags: { validation_status: 'passed', owner: 'ml-team' },
  });
  const GOOD = makeFacts({
    metrics: { roc_auc: 0.9, f1: 0.85 },
    tags: { validation_status: 'passed', owner: 'ml-team' },
    enteredStagingAt: hoursAgo(48),
    production: { version: '1', metrics: { roc_auc: 0.85 } },
  });

  it('lists every rule in a stable order and allows when all pass; approvals are carried, not a rule', () => {
    const verdict = evaluatePolicy('Production', FULL, GOOD);
    expect(verdict.allowed).toBe(true);
    expect(verdict.approvals_required).toBe(2);
    expect(verdict.note).toBeUndefined();
    expect(verdict.rules.map((r) => [r.rule, r.passed])).toEqual([
      ['metric:roc_auc', true],
      ['metric:f1', true],
      ['no_regression:roc_auc', true],
      ['required_tag:validation_status', true],
      ['required_tag:owner', true],
      ['min_hours_in_staging', true],
    ]);
  });

  it('never stops at the first failure: every rule is checked when all fail', () => {
    const verdict = evaluatePolicy('Production', FULL, makeFacts({ metrics: { roc_auc: 0.7 }, production: { version: '1', metrics: { roc_auc: 0.88 } } }));
    expect(verdict.allowed).toBe(false);
    expect(verdict.approvals_required).toBe(2);
    expect(verdict.rules).toHaveLength(6);
    expect(verdict.rules.every((r) => !r.passed)).toBe(true);
  });

  it.each([0, 1, 2, 3, 4, 5])('one failing rule (#%i) alone makes the verdict deny, and the others still pass', (index) => {
    const facts = structuredClone(GOOD);
    const breakers = [
      () => (facts.candidate.metrics.roc_auc = 0.845),
      () => delete facts.candidate.metrics.f1,
      () => (facts.production!.metrics.roc_auc = 0.95),
      () => (facts.candidate.tags.validation_status = 'pending'),
      () => (facts.candidate.tags.owner = 'someone'),
      () => (facts.enteredStagingAt = hoursAgo(1)),
    ];
    breakers[index]();
    const verdict = evaluatePolicy('Production', FULL, facts);
    expect(verdict.allowed).toBe(false);
    expect(verdict.rules.map((r) => r.passed)).toEqual([0, 1, 2, 3, 4, 5].map((i) => i !== index));
  });

  it('allows a model no project claims, with a note and no rules, ignoring any policy given', () => {
    expect(evaluatePolicy('Production', FULL, makeFacts({ modelClaimed: false }))).toEqual({
      allowed: true,
      approvals_required: 0,
      rules: [],
      note: 'no project claims this model, so only the stage graph applies',
    });
  });

  it('allows a stage the project sets no policy for, with a note naming the stage', () => {
    expect(evaluatePolicy('Staging', undefined, makeFacts())).toEqual({
      allowed: true,
      approvals_required: 0,
      rules: [],
      note: 'the project sets no policy for Staging, so only the stage graph applies',
    });
  });

  it('allows a policy with approvals only, saying it has no rules to check', () => {
    expect(evaluatePolicy('Production', makePolicy({ approvals: 1 }), makeFacts())).toEqual({
      allowed: true,
      approvals_required: 1,
      rules: [],
      note: "the project's Production policy has no rules to check",
    });
  });

  it('is serialisable as it is stored: JSON round trip keeps every field', () => {
    const verdict = evaluatePolicy('Production', FULL, makeFacts({ metrics: { roc_auc: Number.NaN } }));
    expect(JSON.parse(JSON.stringify(verdict))).toEqual(verdict);
  });
});

describe('evaluatePolicy: the drift rule', () => {
  const drift = { expectedStage: 'None', observedStage: 'Staging', expectedSince: new Date('2026-12-01T10:00:00.000Z') };

  it('refuses a drifted candidate for Staging or Production, whatever the policy, and says how to get out', () => {
    for (const target of ['Staging', 'Production'] as const) {
      for (const policy of [undefined, makePolicy(), makePolicy({ metrics: [threshold('roc_auc', '>=', 0.5)] })]) {
        const verdict = evaluatePolicy(target, policy, makeFacts({ metrics: { roc_auc: 0.9 }, drift }));
        expect(verdict.allowed).toBe(false);
        expect(verdict.note).toBeUndefined();
        expect(verdict.rules.at(-1)).toEqual({
          rule: 'drift',
          passed: false,
          observed: 'Staging',
          required: 'in None, as modelgate expects',
          message: 'version 2 is in Staging in MLflow, but not through modelgate (expected None since 2026-12-01T10:00:00Z); adopt it before promoting it',
        });
      }
    }
  });

  it('always allows a move to Archived, keeping the rule in the list', () => {
    const verdict = evaluatePolicy('Archived', undefined, makeFacts({ drift: { expectedStage: 'Staging', observedStage: 'Production' } }));
    expect(verdict).toEqual({
      allowed: true,
      approvals_required: 0,
      rules: [expect.objectContaining({ rule: 'drift', passed: true, message: 'version 2 is in Production in MLflow, but not through modelgate (expected Staging); a move to Archived is always allowed' })],
    });
  });

  it('keeps the approvals the policy asks, and adds nothing without drift', () => {
    expect(evaluatePolicy('Production', makePolicy({ approvals: 2 }), makeFacts({ drift })).approvals_required).toBe(2);
    expect(evaluatePolicy('Production', makePolicy(), makeFacts()).rules.some((r) => r.rule === 'drift')).toBe(false);
  });
});
