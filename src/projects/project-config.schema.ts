import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { PROJECT_NAME } from '../common/project-name';
import { Stage, parseStage } from '../common/stage';
import { THRESHOLD_HINT, parseThreshold } from '../policies/metric-threshold';
import { parseRecipient } from './recipient';

/**
 * The schema of the platform's config.yaml plus modelgate's optional sections. Every object is
 * `.passthrough()`: keys modelgate does not know are the platform's business and are kept.
 * Cross-field rules sit on the smallest object that holds both fields, so that one bad field never
 * hides the problems of its siblings.
 */

const ENV_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;

/** Stages a promotion policy may be written for: `None` is never a target. */
export const POLICY_STAGES: readonly Stage[] = ['Staging', 'Production', 'Archived'];
/** Stages a deployment may take its version from. */
export const DEPLOYABLE_STAGES: readonly Stage[] = ['Staging', 'Production'];
export const REGISTRY_MODES = ['stages', 'aliases'] as const;
/** The stages a version enters by holding an alias in aliases mode. */
export const ALIASED_STAGES = ['Staging', 'Production'] as const;

const custom = (ctx: z.RefinementCtx, message: string, path: (string | number)[] = []) =>
  ctx.addIssue({ code: z.ZodIssueCode.custom, message, path });

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A problem with a 5-field cron expression, or undefined when it is one. */
export function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5) {
    return `"${expression}" is not a 5-field cron expression (minute hour day-of-month month day-of-week)`;
  }
  try {
    CronExpressionParser.parse(expression.trim());
    return undefined;
  } catch (err) {
    return `"${expression}" is not a valid cron expression: ${(err as Error).message}`;
  }
}

const nonEmpty = z.string().min(1, 'must not be empty');

const cron = z.string().superRefine((v, ctx) => {
  const problem = cronProblem(v);
  if (problem) custom(ctx, problem);
});

const schedule = z
  .object({ enabled: z.boolean(), cron: cron.nullish() })
  .passthrough()
  .superRefine((s, ctx) => {
    if (s.enabled && (s.cron === undefined || s.cron === null)) custom(ctx, 'required when schedule.enabled is true', ['cron']);
  });

const steps = z
  .array(z.object({ id: z.string().trim().min(1, 'must not be empty') }).passthrough())
  .min(1, 'must list at least one step')
  .superRefine((list, ctx) => {
    const seen = new Map<string, number>();
    list.forEach((step, i) => {
      const first = seen.get(step.id);
      if (first !== undefined) custom(ctx, `duplicate step id "${step.id}" (also steps[${first}])`, [i, 'id']);
      else seen.set(step.id, i);
    });
  });

const threshold = z
  .string({ invalid_type_error: `must be ${THRESHOLD_HINT}, in quotes` })
  .superRefine((v, ctx) => {
    if (!parseThreshold('', v)) custom(ctx, `"${v}" is not ${THRESHOLD_HINT}`);
  });

const noRegression = z.unknown().superRefine((v, ctx) => {
  if (typeof v === 'number') {
    if (!(v >= 0)) custom(ctx, 'must be a tolerance >= 0');
    return;
  }
  if (!isPlainObject(v)) {
    custom(ctx, 'must be a tolerance >= 0, or { tolerance, better: lower | higher }');
    return;
  }
  if (v.tolerance === undefined || v.tolerance === null) custom(ctx, 'required', ['tolerance']);
  else if (typeof v.tolerance !== 'number' || !(v.tolerance >= 0)) custom(ctx, 'must be a number >= 0', ['tolerance']);
  if (v.better !== undefined && v.better !== 'lower' && v.better !== 'higher') custom(ctx, 'must be lower or higher', ['better']);
});

const metricName = nonEmpty;

export const STAGE_POLICY_KEYS = ['approvals', 'approval_ttl_hours', 'min_hours_in_staging', 'metrics', 'no_regression', 'required_tags'];

const stagePolicy = z
  .object({
    approvals: z.number().int('must be a whole number >= 0').min(0, 'must be a whole number >= 0').nullish(),
    approval_ttl_hours: z.number().positive('must be a number of hours > 0').nullish(),
    min_hours_in_staging: z.number().min(0, 'must be a number of hours >= 0').nullish(),
    metrics: z.record(metricName, threshold).nullish(),
    no_regression: z.record(metricName, noRegression).nullish(),
    required_tags: z.record(nonEmpty, z.string({ invalid_type_error: 'must be a string (quote it)' })).nullish(),
  })
  .passthrough();

const policyStageKey = z.string().superRefine((key, ctx) => {
  const stage = parseStage(key);
  if (!stage) custom(ctx, `unknown stage "${key}" (expected ${POLICY_STAGES.join(', ')})`);
  else if (!POLICY_STAGES.includes(stage)) custom(ctx, `${stage} is not a promotion target (expected ${POLICY_STAGES.join(', ')})`);
});

/** Two keys naming the same stage in different case would make the policy ambiguous. */
const noStageTwice = (record: Record<string, unknown>, ctx: z.RefinementCtx) => {
  const seen = new Map<Stage, string>();
  for (const key of Object.keys(record)) {
    const stage = parseStage(key);
    if (!stage) continue;
    const first = seen.get(stage);
    if (first !== undefined) custom(ctx, `names the same stage as "${first}"`, [key]);
    else seen.set(stage, key);
  }
};

const promotion = z.record(policyStageKey, stagePolicy.nullable()).superRefine(noStageTwice);

/** MLflow reserves `latest` and `v<digits>`; letters, digits, _ and - keep `models:/name@alias` plain. */
export function aliasNameProblem(alias: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(alias)) return `"${alias}" is not an alias name (1-255 letters, digits, _ or -)`;
  if (alias.toLowerCase() === 'latest') return '"latest" is reserved by MLflow';
  if (/^v\d+$/i.test(alias)) return `"${alias}" is reserved by MLflow (v<number> names a version)`;
  return undefined;
}

const aliasName = z.string().superRefine((v, ctx) => {
  const problem = aliasNameProblem(v);
  if (problem) custom(ctx, problem);
});

const aliasedStageKey = z.string().superRefine((key, ctx) => {
  const stage = parseStage(key);
  if (!stage || !(ALIASED_STAGES as readonly string[]).includes(stage)) custom(ctx, `"${key}" cannot have an alias (expected ${ALIASED_STAGES.join(' or ')})`);
});

const stageAliases = z
  .record(aliasedStageKey, aliasName, { invalid_type_error: 'must be a mapping of stage to alias, e.g. { Staging: challenger, Production: champion }' })
  .superRefine(noStageTwice)
  .superRefine((record, ctx) => {
    const values = Object.values(record);
    if (new Set(values).size !== values.length) custom(ctx, 'each stage needs an alias of its own');
  });

const model = z
  .object({
    name: nonEmpty.max(256, 'must be at most 256 characters').nullish(),
    aliases: z.boolean().nullish(),
    registry: z.enum(REGISTRY_MODES, { errorMap: () => ({ message: 'must be stages or aliases' }) }).nullish(),
    stage_aliases: stageAliases.nullish(),
    provenance_tags: z.boolean().nullish(),
  })
  .passthrough()
  .superRefine((m, ctx) => {
    if (m.registry === 'aliases' && m.aliases === true) {
      custom(ctx, 'cannot be true with model.registry: aliases: aliases mode already uses aliases (model.stage_aliases); remove model.aliases', ['aliases']);
    }
  });

const deployStage = z.string().superRefine((v, ctx) => {
  const stage = parseStage(v);
  if (!stage || !DEPLOYABLE_STAGES.includes(stage)) {
    custom(ctx, `"${v}" is not a stage a deployment can come from (${DEPLOYABLE_STAGES.join(' or ')})`);
  }
});

const deployGate = z.record(
  z.string().regex(ENV_NAME, 'is not an environment name (letters, digits, _ or -; at most 32)'),
  z.array(deployStage, { invalid_type_error: 'must be a list of stages, e.g. [Production]' }).min(1, 'must list at least one stage'),
);

const recipient = z.string().superRefine((v, ctx) => {
  const parsed = parseRecipient(v);
  if ('problem' in parsed) custom(ctx, parsed.problem);
});
const recipients = z.array(recipient).nullish();

export const NOTIFICATION_LISTS = ['on_success', 'on_failure', 'on_approval_needed', 'on_drift'] as const;

export const MODEL_KEYS = ['name', 'aliases', 'registry', 'stage_aliases', 'provenance_tags'];
export const DRIFT_KEYS = ['action', 'adopt_existing'];
export const DRIFT_ACTIONS = ['alert', 'revert'] as const;

export const projectConfigSchema = z
  .object({
    project_name: z
      .string()
      .regex(PROJECT_NAME, 'must be 1-63 lowercase letters, digits, _ or -, starting with a letter or digit'),
    version: z.string({ invalid_type_error: 'must be a string; quote it, e.g. version: "1.0.0"' }).min(1, 'must not be empty'),
    schedule,
    batch: z.object({ pipeline: z.object({ steps }).passthrough() }).passthrough(),
    owners: z.object({ tech_owner: z.string().nullish(), business_owner: z.string().nullish() }).passthrough().nullish(),
    model: model.nullish(),
    state_machine_arn: z
      .string()
      .regex(STATE_MACHINE_ARN, 'must be a Step Functions state machine ARN (arn:aws:states:REGION:ACCOUNT:stateMachine:NAME)')
      .nullish(),
    promotion: promotion.nullish(),
    deploy_gate: deployGate.nullish(),
    drift: z
      .object({
        action: z.enum(DRIFT_ACTIONS, { errorMap: () => ({ message: 'must be alert or revert' }) }).nullish(),
        adopt_existing: z.boolean().nullish(),
      })
      .passthrough()
      .nullish(),
    notifications: z
      .object({ on_success: recipients, on_failure: recipients, on_approval_needed: recipients, on_drift: recipients })
      .passthrough()
      .nullish(),
  })
  .passthrough();

export type ProjectConfig = z.infer<typeof projectConfigSchema>;
export type StagePolicyConfig = z.infer<typeof stagePolicy>;
