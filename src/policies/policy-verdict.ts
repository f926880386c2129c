/**
 * The policy evaluator's input and output. Keys of what is answered and stored (`RuleResult`,
 * `PolicyVerdict`) are snake_case: they go to the API and into `promotions.verdict` as they are.
 */

/** Everything a policy can look at, gathered once by the caller before evaluating. */
export interface PolicyFacts {
  /** The version being promoted: its run's metrics and its tags (the caller merges run and version tags). */
  candidate: { version: string | number; metrics: Record<string, number>; tags: Record<string, string> };
  /** When the candidate entered Staging (audit log, else MLflow's last_updated_timestamp); unknown → undefined. */
  enteredStagingAt?: Date;
  /** The model's current Production version, if any. */
  production?: { version: string | number; metrics: Record<string, number> };
  now: Date;
  /** Whether a project claims the registered model; unclaimed models are promoted under the stage graph alone. */
  modelClaimed: boolean;
  /**
   * Set when the candidate is in MLflow somewhere modelgate did not put it (an open drift, or one
   * not yet recorded): promoting it would launder that change.
   */
  drift?: { expectedStage: string; observedStage: string; expectedSince?: Date };
}

/** One checked rule. `rule` is a stable id: `metric:roc_auc`, `no_regression:roc_auc`, `required_tag:validation_status`, `min_hours_in_staging`, `drift`. */
export interface RuleResult {
  rule: string;
  passed: boolean;
  /** What was found: a metric value, a tag value, hours in Staging; null when absent; "NaN"/"Infinity" as strings (JSON has no such numbers). */
  observed: number | string | null;
  /** What the rule asks for, e.g. ">= 0.85", "passed". */
  required: string;
  /** A sentence naming the numbers, e.g. "roc_auc 0.83 is below the required >= 0.85". */
  message: string;
}

export interface PolicyVerdict {
  /** Every rule passed (approvals are not a rule: they make an allowed promotion wait). */
  allowed: boolean;
  approvals_required: number;
  /** Every rule of the policy, checked, in the order metrics, no_regression, required_tags, min_hours_in_staging; then `drift` when the candidate drifted. */
  rules: RuleResult[];
  /** Present when the policy had nothing to check: why (no project claims the model, no policy for the stage, an empty policy). */
  note?: string;
}
