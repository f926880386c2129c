/** The vocabulary of a project's `promotion:` rules, as the policy evaluator reads them (parsed and defaulted by projects/). */

export type Comparator = '>=' | '>' | '<=' | '<' | '==';

/** `metrics: { roc_auc: ">= 0.85" }` parsed. */
export interface MetricThreshold {
  metric: string;
  op: Comparator;
  value: number;
  /** As written in the config, e.g. ">= 0.85". */
  raw: string;
}

/** `no_regression: { roc_auc: 0.01 }` or `{ rmse: { tolerance: 0.5, better: lower } }`. */
export interface NoRegressionRule {
  metric: string;
  tolerance: number;
  better: 'higher' | 'lower';
}

/** `promotion.<TargetStage>` of a project. */
export interface StagePolicy {
  /** Distinct approvers needed, none of them the requester; 0 = applies at once. */
  approvals: number;
  /** Pending promotions expire after this (default 72). */
  approvalTtlHours: number;
  minHoursInStaging?: number;
  metrics: MetricThreshold[];
  noRegression: NoRegressionRule[];
  requiredTags: Record<string, string>;
}
