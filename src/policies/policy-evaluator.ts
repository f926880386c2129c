import type { Stage } from '../common/stage';
import type { StagePolicy } from './policy-types';
import { checkDrift, checkMinHoursInStaging, checkNoRegression, checkRequiredTag, checkThreshold } from './policy-rules';
import type { PolicyFacts, PolicyVerdict, RuleResult } from './policy-verdict';

/**
 * Evaluates a project's `promotion.<target>` policy against facts gathered once. Every rule is
 * checked and listed, never stopping at the first failure, so one dry run shows everything to fix.
 * An unclaimed model, or a target without a policy, is allowed with an empty rule list and a `note`
 * saying why (a policy given for an unclaimed model is ignored: no project owns it). A drifted
 * candidate (one MLflow holds where modelgate did not put it) also gets the `drift` rule, which
 * fails unless the target is Archived.
 */
export function evaluatePolicy(target: Stage, policy: StagePolicy | undefined, facts: PolicyFacts): PolicyVerdict {
  const verdict = evaluateStagePolicy(target, policy, facts);
  if (!facts.drift) return verdict;
  // Whatever the policy says: the rule joins the list, and a note saying there was nothing to check no longer holds.
  const drift = checkDrift(target, facts.drift, facts);
  return { allowed: verdict.allowed && drift.passed, approvals_required: verdict.approvals_required, rules: [...verdict.rules, drift] };
}

/** The project's policy alone. */
function evaluateStagePolicy(target: Stage, policy: StagePolicy | undefined, facts: PolicyFacts): PolicyVerdict {
  if (!facts.modelClaimed) {
    return { allowed: true, approvals_required: 0, rules: [], note: 'no project claims this model, so only the stage graph applies' };
  }
  if (!policy) {
    return { allowed: true, approvals_required: 0, rules: [], note: `the project sets no policy for ${target}, so only the stage graph applies` };
  }
  const rules: RuleResult[] = [
    ...policy.metrics.map((threshold) => checkThreshold(threshold, facts)),
    ...policy.noRegression.map((rule) => checkNoRegression(rule, facts)),
    ...Object.entries(policy.requiredTags).map(([tag, value]) => checkRequiredTag(tag, value, facts)),
    ...(policy.minHoursInStaging === undefined ? [] : [checkMinHoursInStaging(policy.minHoursInStaging, facts)]),
  ];
  const verdict: PolicyVerdict = { allowed: rules.every((r) => r.passed), approvals_required: policy.approvals, rules };
  if (rules.length === 0) verdict.note = `the project's ${target} policy has no rules to check`;
  return verdict;
}
