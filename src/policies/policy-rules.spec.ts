import type { MetricThreshold, NoRegressionRule } from './policy-types';
import { checkMinHoursInStaging, checkNoRegression, checkRequiredTag, checkThreshold } from './policy-rules';
import type { PolicyFacts } from './policy-verdict';

const NOW = new Date('2024-05-10T12:00:00.000Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);

function makeFacts(overrides: Partial<PolicyFacts> & { metrics?: Record<string, number>; tags?: Record<string, string> } = {}): PolicyFacts {
  const { metrics = {}, tags = {}, ...rest } = overrides;
  return { candidate: { version: '2', metrics, tags }, now: NOW, modelClaimed: true, ...rest };
}

const threshold = (metric: string, op: MetricThreshold['op'], value: number): MetricThreshold => ({ metric, op, value, raw: `${op}${value}` });

describe('metric thresholds', () => {
  it('fails a metric below its limit, naming both numbers', () => {
    expect(checkThreshold(threshold('roc_auc', '>=', 0.85), makeFacts({ metrics: { roc_auc: 0.83 } }))).toEqual({
      rule: 'metric:roc_auc',
      passed: false,
      observed: 0.83,
      required: '>= 0.85',
      message: 'roc_auc 0.83 is below the required >= 0.85',
    });
  });

  it('passes a metric meeting its limit', () => {
    expect(checkThreshold(threshold('roc_auc', '>=', 0.85), makeFacts({ metrics: { roc_auc: 0.91 } }))).toEqual({
      rule: 'metric:roc_auc',
      passed: true,
      observed: 0.91,
      required: '>= 0.85',
      message: 'roc_auc 0.91 meets the required >= 0.85',
    });
  });

  it.each([
    ['>', 0.85, 'loss 0.85 is not above the required > 0.85'],
    ['<', 0.85, 'loss 0.85 is not below the required < 0.85'],
    ['<=', 0.9, 'loss 0.9 is above the required <= 0.85'],
    ['<', 0.9, 'loss 0.9 is above the required < 0.85'],
    ['==', 0.8, 'loss 0.8 is below the required == 0.85'],
    ['==', 0.9, 'loss 0.9 is above the required == 0.85'],
  ] as const)('%s with %s fails: "%s"', (op, value, message) => {
    const result = checkThreshold(threshold('loss', op, 0.85), makeFacts({ metrics: { loss: value } }));
    expect(result).toMatchObject({ passed: false, observed: value, required: `${op} 0.85`, message });
  });

  it('passes == on a value that differs from the limit only by floating point rounding', () => {
    const result = checkThreshold(threshold('share', '==', 0.3), makeFacts({ metrics: { share: 0.1 + 0.2 } }));
    expect(result).toMatchObject({ passed: true, message: 'share 0.3 meets the required == 0.3' });
  });

  it('fails a metric the run lacks, saying it is missing', () => {
    expect(checkThreshold(threshold('f1', '>=', 0.8), makeFacts({ metrics: { roc_auc: 0.9 } }))).toEqual({
      rule: 'metric:f1',
      passed: false,
      observed: null,
      required: '>= 0.8',
      message: 'f1 is missing from the run of version 2; the required is >= 0.8',
    });
  });

  it('fails a NaN metric and shows it as the string "NaN"', () => {
    expect(checkThreshold(threshold('f1', '<=', 0.8), makeFacts({ metrics: { f1: Number.NaN } }))).toMatchObject({
      passed: false,
      observed: 'NaN',
      message: 'f1 is NaN in the run of version 2; the required is <= 0.8',
    });
  });

  it('does not take inherited object properties for metrics or tags', () => {
    expect(checkThreshold(threshold('constructor', '>=', 0), makeFacts())).toMatchObject({ passed: false, observed: null });
    expect(checkRequiredTag('toString', 'x', makeFacts())).toMatchObject({ passed: false, observed: null });
  });
});

describe('no_regression', () => {
  const higher: NoRegressionRule = { metric: 'roc_auc', tolerance: 0.01, better: 'higher' };
  const lower: NoRegressionRule = { metric: 'rmse', tolerance: 0.5, better: 'lower' };
  const prod = (metrics: Record<string, number>) => ({ production: { version: '1', metrics } });

  it('passes when no version is in Production', () => {
    expect(checkNoRegression(higher, makeFacts({ metrics: { roc_auc: 0.5 } }))).toEqual({
      rule: 'no_regression:roc_auc',
      passed: true,
      observed: 0.5,
      required: '>= Production − 0.01',
      message: 'no version is in Production, so roc_auc has nothing to regress from',
    });
  });

  it('higher is better: passes within the tolerance below Production', () => {
    expect(checkNoRegression(higher, makeFacts({ metrics: { roc_auc: 0.865 }, ...prod({ roc_auc: 0.87 }) }))).toEqual({
      rule: 'no_regression:roc_auc',
      passed: true,
      observed: 0.865,
      required: '>= 0.86 (Production version 1 0.87 − 0.01)',
      message: 'roc_auc 0.865 against Production version 1 0.87 is within the tolerance of 0.01',
    });
  });

  it('higher is better: fails beyond the tolerance, naming the bound', () => {
    expect(checkNoRegression(higher, makeFacts({ metrics: { roc_auc: 0.85 }, ...prod({ roc_auc: 0.87 }) }))).toMatchObject({
      passed: false,
      observed: 0.85,
      message: 'roc_auc 0.85 against Production version 1 0.87 regresses by more than 0.01: it is below the required >= 0.86',
    });
  });

  it('passes a candidate exactly on the bound although the bound rounds past it (0.8 − 0.1, 0.7 + 0.1)', () => {
    // Naively 0.8 − 0.1 = 0.7000000000000001 > 0.7 and 0.7 + 0.1 = 0.7999999999999999 < 0.8: both would fail.
    expect(0.8 - 0.1 > 0.7 && 0.7 + 0.1 < 0.8).toBe(true);
    const up: NoRegressionRule = { metric: 'acc', tolerance: 0.1, better: 'higher' };
    expect(checkNoRegression(up, makeFacts({ metrics: { acc: 0.7 }, ...prod({ acc: 0.8 }) }))).toMatchObject({
      passed: true,
      required: '>= 0.7 (Production version 1 0.8 − 0.1)',
    });
    const down: NoRegressionRule = { metric: 'loss', tolerance: 0.1, better: 'lower' };
    expect(checkNoRegression(down, makeFacts({ metrics: { loss: 0.8 }, ...prod({ loss: 0.7 }) }))).toMatchObject({
      passed: true,
      required: '<= 0.8 (Production version 1 0.7 + 0.1)',
    });
    expect(checkNoRegression(up, makeFacts({ metrics: { acc: 0.6999 }, ...prod({ acc: 0.8 }) })).passed).toBe(false);
  });

  it('lower is better: passes within the tolerance above Production and fails beyond it', () => {
    expect(checkNoRegression(lower, makeFacts({ metrics: { rmse: 3 }, ...prod({ rmse: 2.5 }) }))).toMatchObject({
      passed: true,
      required: '<= 3 (Production version 1 2.5 + 0.5)',
    });
    expect(checkNoRegression(lower, makeFacts({ metrics: { rmse: 3.2 }, ...prod({ rmse: 2.5 }) }))).toEqual({
      rule: 'no_regression:rmse',
      passed: false,
      observed: 3.2,
      required: '<= 3 (Production version 1 2.5 + 0.5)',
      message: 'rmse 3.2 against Production version 1 2.5 regresses by more than 0.5: it is above the required <= 3',
    });
    expect(checkNoRegression(lower, makeFacts({ metrics: { rmse: 1 }, ...prod({ rmse: 2.5 }) })).passed).toBe(true);
  });

  it('fails when the candidate lacks the metric, saying so', () => {
    expect(checkNoRegression(higher, makeFacts({ metrics: {}, ...prod({ roc_auc: 0.87 }) }))).toEqual({
      rule: 'no_regression:roc_auc',
      passed: false,
      observed: null,
      required: '>= Production − 0.01',
      message: 'roc_auc is missing from the run of version 2, so version 2 cannot be compared with Production version 1',
    });
  });

  it('fails when Production lacks the metric, saying so', () => {
    expect(checkNoRegression(higher, makeFacts({ metrics: { roc_auc: 0.9 }, ...prod({}) }))).toMatchObject({
      passed: false,
      observed: 0.9,
      message: 'roc_auc is missing from the run of Production version 1, so version 2 cannot be compared with Production version 1',
    });
  });

  it('names both when both lack the metric, and fails on a NaN baseline', () => {
    expect(checkNoRegression(higher, makeFacts({ ...prod({}) })).message).toBe(
      'roc_auc is missing from the run of version 2 and roc_auc is missing from the run of Production version 1, so version 2 cannot be compared with Production version 1',
    );
    expect(checkNoRegression(higher, makeFacts({ metrics: { roc_auc: 0.9 }, ...prod({ roc_auc: Number.NaN }) }))).toMatchObject({
      passed: false,
      message: 'roc_auc is NaN in the run of Production version 1, so version 2 cannot be compared with Production version 1',
    });
  });
});

describe('required_tags', () => {

  it('passes on the exact value', () => {
    expect(checkRequiredTag('validation_status', 'passed', makeFacts({ tags: { validation_status: 'passed' } }))).toEqual({
      rule: 'required_tag:validation_status',
      passed: true,
      observed: 'passed',
      required: 'passed',
      message: 'tag validation_status is "passed" as required',
    });
  });

  it.each(['failed', 'Passed', 'passed ', ''])('fails on %j (exact, case-sensitive equality)', (value) => {
    expect(checkRequiredTag('validation_status', 'passed', makeFacts({ tags: { validation_status: value } }))).toMatchObject({
      passed: false,
      observed: value,
      message: `tag validation_status is "${value}", but "passed" is required`,
    });
  });

  it('fails when the tag is absent', () => {
    expect(checkRequiredTag('validation_status', 'passed', makeFacts())).toMatchObject({
      passed: false,
      observed: null,
      message: 'version 2 has no tag validation_status; "passed" is required',
    });
  });
});

describe('min_hours_in_staging', () => {

  it('passes after enough hours', () => {
    expect(checkMinHoursInStaging(24, makeFacts({ enteredStagingAt: hoursAgo(30.5) }))).toEqual({
      rule: 'min_hours_in_staging',
      passed: true,
      observed: 30.5,
      required: '>= 24',
      message: 'version 2 has been in Staging for 30.5 hours, at least the required 24',
    });
  });

  it('passes at exactly the minimum', () => {
    expect(checkMinHoursInStaging(24, makeFacts({ enteredStagingAt: hoursAgo(24) }))).toMatchObject({ passed: true, observed: 24 });
  });

  it('fails one millisecond short, showing hours rounded down and when it becomes eligible', () => {
    const entered = new Date(NOW.getTime() - 24 * 3_600_000 + 1);
    expect(checkMinHoursInStaging(24, makeFacts({ enteredStagingAt: entered }))).toEqual({
      rule: 'min_hours_in_staging',
      passed: false,
      observed: 23.99,
      required: '>= 24',
      message: 'version 2 has been in Staging for 23.99 hours, less than the required 24; it may be promoted from 2024-05-10T12:00:00.001Z',
    });
  });

  it('fails when the entry time is unknown, saying so', () => {
    expect(checkMinHoursInStaging(24, makeFacts())).toEqual({
      rule: 'min_hours_in_staging',
      passed: false,
      observed: null,
      required: '>= 24',
      message: 'the time version 2 entered Staging is unknown, so its 24 hours in Staging cannot be confirmed',
    });
    expect(checkMinHoursInStaging(24, makeFacts({ enteredStagingAt: new Date('not a date') })).passed).toBe(false);
  });

  it('counts an entry time in the future (clock skew) as zero hours', () => {
    expect(checkMinHoursInStaging(24, makeFacts({ enteredStagingAt: hoursAgo(-2) }))).toMatchObject({ passed: false, observed: 0 });
    expect(checkMinHoursInStaging(0, makeFacts({ enteredStagingAt: hoursAgo(-2) })).passed).toBe(true);
  });

  it('handles fractional minimums without rounding errors (0.07 h = 252 s)', () => {
    expect(checkMinHoursInStaging(0.07, makeFacts({ enteredStagingAt: new Date(NOW.getTime() - 252_000) })).passed).toBe(true);
    expect(checkMinHoursInStaging(0.07, makeFacts({ enteredStagingAt: new Date(NOW.getTime() - 251_999) })).passed).toBe(false);
  });
});

