import type { MetricThreshold, NoRegressionRule } from './policy-types';
import { formatNumber, relation, satisfies } from './metric-comparison';
import type { PolicyFacts, RuleResult } from './policy-verdict';

const HOUR_MS = 3_600_000;

/** A metric value as the verdict shows it: JSON has no NaN or Infinity, so those become strings. */
function shown(value: number | undefined): number | string | null {
  if (value === undefined) return null;
  return Number.isFinite(value) ? value : String(value);
}

function metricOf(metrics: Record<string, number>, name: string): number | undefined {
  const value = Object.prototype.hasOwnProperty.call(metrics, name) ? metrics[name] : undefined;
  return typeof value === 'number' ? value : undefined;
}

/** Why a metric cannot be compared at all (absent from the run, or logged as NaN), else undefined. */
function whyUnusable(metric: string, value: number | undefined, whose: string): string | undefined {
  if (value === undefined) return `${metric} is missing from the run of ${whose}`;
  if (Number.isNaN(value)) return `${metric} is NaN in the run of ${whose}`;
  return undefined;
}

/** `metrics: { roc_auc: ">= 0.85" }`: the candidate's run metric against a fixed limit. */
export function checkThreshold(threshold: MetricThreshold, facts: PolicyFacts): RuleResult {
  const { metric, op, value: limit } = threshold;
  const required = `${op} ${formatNumber(limit)}`;
  const base = { rule: `metric:${metric}`, required };
  const observed = metricOf(facts.candidate.metrics, metric);
  const absent = whyUnusable(metric, observed, `version ${facts.candidate.version}`);
  if (absent || observed === undefined) {
    return { ...base, passed: false, observed: shown(observed), message: `${absent}; the required is ${required}` };
  }
  if (satisfies(observed, op, limit)) {
    return { ...base, passed: true, observed, message: `${metric} ${formatNumber(observed)} meets the required ${required}` };
  }
  const how = relation(observed, limit);
  const verb = how === 'equals' ? `is not ${op === '>' ? 'above' : 'below'}` : how;
  return { ...base, passed: false, observed: shown(observed), message: `${metric} ${formatNumber(observed)} ${verb} the required ${required}` };
}

/**
 * `no_regression`: higher is better → candidate ≥ Production − tolerance; lower is better →
 * candidate ≤ Production + tolerance. Nothing to regress from when no version is in Production.
 */
export function checkNoRegression(rule: NoRegressionRule, facts: PolicyFacts): RuleResult {
  const { metric, tolerance, better } = rule;
  const [op, sign, word] = better === 'higher' ? (['>=', '−', 'below'] as const) : (['<=', '+', 'above'] as const);
  const formula = `Production ${sign} ${formatNumber(tolerance)}`;
  const base = { rule: `no_regression:${metric}` };
  const candidate = metricOf(facts.candidate.metrics, metric);
  const { production } = facts;
  if (!production) {
    return { ...base, passed: true, observed: shown(candidate), required: `${op} ${formula}`, message: `no version is in Production, so ${metric} has nothing to regress from` };
  }
  const baseline = metricOf(production.metrics, metric);
  const prod = `Production version ${production.version}`;
  const absent = [whyUnusable(metric, candidate, `version ${facts.candidate.version}`), whyUnusable(metric, baseline, prod)].filter(Boolean);
  if (absent.length > 0 || candidate === undefined || baseline === undefined) {
    return {
      ...base,
      passed: false,
      observed: shown(candidate),
      required: `${op} ${formula}`,
      message: `${absent.join(' and ')}, so version ${facts.candidate.version} cannot be compared with ${prod}`,
    };
  }
  const bound = better === 'higher' ? baseline - tolerance : baseline + tolerance;
  const required = `${op} ${formatNumber(bound)} (${prod} ${formatNumber(baseline)} ${sign} ${formatNumber(tolerance)})`;
  const numbers = `${metric} ${formatNumber(candidate)} against ${prod} ${formatNumber(baseline)}`;
  if (satisfies(candidate, op, bound)) {
    return { ...base, passed: true, observed: candidate, required, message: `${numbers} is within the tolerance of ${formatNumber(tolerance)}` };
  }
  return {
    ...base,
    passed: false,
    observed: shown(candidate),
    required,
    message: `${numbers} regresses by more than ${formatNumber(tolerance)}: it is ${word} the required ${op} ${formatNumber(bound)}`,
  };
}

/** `required_tags: { validation_status: passed }`: exact, case-sensitive string equality. */
export function checkRequiredTag(tag: string, expected: string, facts: PolicyFacts): RuleResult {
  const base = { rule: `required_tag:${tag}`, required: expected };
  const tags = facts.candidate.tags;
  const observed = Object.prototype.hasOwnProperty.call(tags, tag) ? tags[tag] : undefined;
  if (observed === undefined) {
    return { ...base, passed: false, observed: null, message: `version ${facts.candidate.version} has no tag ${tag}; "${expected}" is required` };
  }
  if (observed === expected) {
    return { ...base, passed: true, observed, message: `tag ${tag} is "${observed}" as required` };
  }
  return { ...base, passed: false, observed, message: `tag ${tag} is "${observed}", but "${expected}" is required` };
}

/** `min_hours_in_staging`: time since the candidate entered Staging; an unknown entry time fails. */
export function checkMinHoursInStaging(minHours: number, facts: PolicyFacts): RuleResult {
  const base = { rule: 'min_hours_in_staging', required: `>= ${formatNumber(minHours)}` };
  const entered = facts.enteredStagingAt;
  const version = `version ${facts.candidate.version}`;
  if (!entered || Number.isNaN(entered.getTime())) {
    return { ...base, passed: false, observed: null, message: `the time ${version} entered Staging is unknown, so its ${formatNumber(minHours)} hours in Staging cannot be confirmed` };
  }
  const elapsedMs = Math.max(0, facts.now.getTime() - entered.getTime());
  const requiredMs = Math.round(minHours * HOUR_MS);
  // Rounded down so that a shown 24 never hides a failing 23.999.
  const hours = Math.floor(elapsedMs / (HOUR_MS / 100)) / 100;
  if (elapsedMs >= requiredMs) {
    return { ...base, passed: true, observed: hours, message: `${version} has been in Staging for ${formatNumber(hours)} hours, at least the required ${formatNumber(minHours)}` };
  }
  const eligibleAt = new Date(entered.getTime() + requiredMs).toISOString();
  return {
    ...base,
    passed: false,
    observed: hours,
    message: `${version} has been in Staging for ${formatNumber(hours)} hours, less than the required ${formatNumber(minHours)}; it may be promoted from ${eligibleAt}`,
  };
}

/**
 * `drift`: a version MLflow holds where modelgate did not put it cannot be promoted (that would
 * bless the change); it must be adopted first. A move to Archived is always allowed.
 */
export function checkDrift(target: string, drift: NonNullable<PolicyFacts['drift']>, facts: PolicyFacts): RuleResult {
  const version = `version ${facts.candidate.version}`;
  const where = `in ${drift.observedStage} in MLflow, but not through modelgate (expected ${drift.expectedStage}${drift.expectedSince ? ` since ${drift.expectedSince.toISOString().replace(/\.\d{3}Z$/, 'Z')}` : ''})`;
  const base = { rule: 'drift', observed: drift.observedStage, required: `in ${drift.expectedStage}, as modelgate expects` };
  if (target === 'Archived') return { ...base, passed: true, message: `${version} is ${where}; a move to Archived is always allowed` };
  return { ...base, passed: false, message: `${version} is ${where}; adopt it before promoting it` };
}
