import { createHash } from 'node:crypto';
import type { ZodIssue } from 'zod';
import { Stage, parseStage } from '../common/stage';
import { parseThreshold } from '../policies/metric-threshold';
import { parseRecipient } from './recipient';
import {
  DRIFT_KEYS,
  MODEL_KEYS,
  NOTIFICATION_LISTS,
  ProjectConfig,
  STAGE_POLICY_KEYS,
  StagePolicyConfig,
  projectConfigSchema,
} from './project-config.schema';
import type { NoRegressionRule, StagePolicy } from '../policies/policy-types';
import { DEFAULT_STAGE_ALIASES, ResolvedProject, StageAliases } from './project.types';

/** One thing wrong (or worth a warning) in a config, at a dotted path such as `schedule.cron`. */
export interface ConfigProblem {
  path: string;
  message: string;
  /** For YAML syntax errors: where in the text (1-based). */
  line?: number;
  column?: number;
}

/** What a valid config says, defaults resolved: a {@link ResolvedProject} without its storage fields. */
export type ProjectDefinition = Omit<ResolvedProject, 'configHash' | 'source' | 'updatedAt' | 'updatedBy'>;

export interface ConfigCheck {
  problems: ConfigProblem[];
  warnings: ConfigProblem[];
  /** Set exactly when there are no problems. */
  definition?: ProjectDefinition;
}

/** Deeper than any real config, shallow enough for every consumer (PostgreSQL's jsonb included). */
export const MAX_DEPTH = 64;
/** A config with more problems than this is not worth listing further. */
const MAX_PROBLEMS = 100;
export const DEFAULT_APPROVAL_TTL_HOURS = 72;
export const DEFAULT_DEPLOY_GATE: Readonly<Record<string, Stage[]>> = { prd: ['Production'], dev: ['Staging', 'Production'] };

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** `batch.pipeline.steps[0].id`, `promotion.Production.metrics["val.auc"]`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((out, seg) => {
    if (typeof seg === 'number') return `${out}[${seg}]`;
    if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) return out ? `${out}.${seg}` : seg;
    return `${out}[${JSON.stringify(seg)}]`;
  }, '');
}

function describe(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a timestamp (quote it to keep it as text)';
  if (value instanceof Uint8Array) return 'binary data';
  if (value instanceof Map || value instanceof Set) return 'a YAML set or ordered map';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Only what JSON can hold, no deeper than MAX_DEPTH: what jsonb and every reader can take. */
function plainValueProblems(value: unknown, path: (string | number)[], out: ConfigProblem[]): void {
  if (out.length >= MAX_PROBLEMS) return;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) out.push({ path: formatPath(path), message: 'must be a finite number' });
    return;
  }
  if (path.length >= MAX_DEPTH) {
    out.push({ path: formatPath(path), message: `nests deeper than ${MAX_DEPTH} levels` });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => plainValueProblems(item, [...path, i], out));
    return;
  }
  const proto = typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (proto !== Object.prototype && proto !== null) {
    out.push({ path: formatPath(path), message: `is ${describe(value)}, which a config cannot hold` });
    return;
  }
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (key === '__proto__') out.push({ path: formatPath(path), message: 'the key __proto__ is not allowed' });
    else plainValueProblems(item, [...path, key], out);
  }
}

/** Zod's generic type messages, said the way a config author reads them. */
function problemOf(issue: ZodIssue): ConfigProblem {
  const path = formatPath(issue.path);
  if (issue.code === 'invalid_type' && (issue.message === 'Required' || issue.message.startsWith('Expected '))) {
    if (issue.received === 'undefined') return { path, message: 'required' };
    const names: Record<string, string> = {
      string: 'a string',
      number: 'a number',
      integer: 'a whole number',
      boolean: 'true or false',
      object: 'a mapping',
      array: 'a list',
      null: 'empty',
    };
    return { path, message: `must be ${names[issue.expected] ?? issue.expected}, not ${names[issue.received] ?? issue.received}` };
  }
  return { path, message: issue.message };
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  const out = problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  if (out.length <= MAX_PROBLEMS) return out;
  return [...out.slice(0, MAX_PROBLEMS), { path: '', message: `${out.length - MAX_PROBLEMS} more problems not listed` }];
}

export interface CheckOptions {
  /** Channel names configured in SLACK_WEBHOOKS. */
  slackChannels: readonly string[];
}

/** Validates a parsed document (from YAML or JSON) and resolves its defaults. Pure. */
export function checkProjectDocument(document: unknown, options: CheckOptions): ConfigCheck {
  if (document === null || document === undefined) {
    return { problems: [{ path: '', message: 'the document is empty: expected a mapping of keys to values' }], warnings: [] };
  }
  if (typeof document !== 'object' || Array.isArray(document)) {
    return { problems: [{ path: '', message: `the document must be a mapping of keys to values, not ${describe(document)}` }], warnings: [] };
  }
  const plain: ConfigProblem[] = [];
  plainValueProblems(document, [], plain);
  if (plain.length > 0) return { problems: dedupe(plain), warnings: [] };

  const parsed = projectConfigSchema.safeParse(document);
  if (!parsed.success) return { problems: dedupe(parsed.error.issues.map(problemOf)), warnings: [] };
  const definition = resolveProject(parsed.data, document as Record<string, unknown>);
  return { problems: [], warnings: warningsOf(parsed.data, definition, options), definition };
}

function resolvePolicy(p: StagePolicyConfig | null): StagePolicy {
  const noRegression = Object.entries(p?.no_regression ?? {}).map(([metric, rule]): NoRegressionRule => {
    if (typeof rule === 'number') return { metric, tolerance: rule, better: 'higher' };
    const r = rule as { tolerance: number; better?: 'higher' | 'lower' };
    return { metric, tolerance: r.tolerance, better: r.better ?? 'higher' };
  });
  return {
    approvals: p?.approvals ?? 0,
    approvalTtlHours: p?.approval_ttl_hours ?? DEFAULT_APPROVAL_TTL_HOURS,
    ...(p?.min_hours_in_staging != null ? { minHoursInStaging: p.min_hours_in_staging } : {}),
    metrics: Object.entries(p?.metrics ?? {}).map(([metric, raw]) => parseThreshold(metric, raw)!),
    noRegression,
    requiredTags: { ...(p?.required_tags ?? {}) },
  };
}

const canonicalStages = (list: string[]): Stage[] => [...new Set(list.map((s) => parseStage(s)!))];

/** `model.stage_aliases` as written (stage names in any case) over the defaults. */
function resolveStageAliases(written: Record<string, string> | null | undefined): StageAliases {
  const aliases = { ...DEFAULT_STAGE_ALIASES };
  for (const [key, alias] of Object.entries(written ?? {})) aliases[parseStage(key) as keyof StageAliases] = alias;
  return aliases;
}

/** The config with every default filled in (docs/configuration.md, "Project config"). Expects a valid config. */
export function resolveProject(c: ProjectConfig, document: Record<string, unknown>): ProjectDefinition {
  const name = c.project_name;
  const arn = c.state_machine_arn ?? undefined;
  const techOwner = c.owners?.tech_owner ?? undefined;
  const businessOwner = c.owners?.business_owner ?? undefined;
  const promotion: ProjectDefinition['promotion'] = {};
  for (const [key, policy] of Object.entries(c.promotion ?? {})) promotion[parseStage(key)!] = resolvePolicy(policy);
  const deployGate: Record<string, Stage[]> = {};
  for (const [env, stages] of Object.entries(DEFAULT_DEPLOY_GATE)) deployGate[env] = [...stages];
  for (const [env, stages] of Object.entries(c.deploy_gate ?? {})) deployGate[env] = canonicalStages(stages);
  const ownerRecipient = techOwner !== undefined && !('problem' in parseRecipient(techOwner)) ? [techOwner] : [];
  return {
    name,
    version: c.version,
    modelName: c.model?.name ?? name,
    modelAliases: c.model?.aliases ?? false,
    registry: c.model?.registry ?? 'stages',
    stageAliases: resolveStageAliases(c.model?.stage_aliases),
    provenanceTags: c.model?.provenance_tags ?? true,
    stateMachineName: arn ? arn.slice(arn.lastIndexOf(':') + 1) : `${name}-workflow`,
    ...(arn ? { stateMachineArn: arn } : {}),
    promotion,
    deployGate,
    notifications: {
      onSuccess: c.notifications?.on_success ?? [],
      onFailure: c.notifications?.on_failure ?? [],
      onApprovalNeeded: c.notifications?.on_approval_needed ?? ownerRecipient,
      onDrift: c.notifications?.on_drift ?? ownerRecipient,
    },
    drift: { action: c.drift?.action ?? 'alert', adoptExisting: c.drift?.adopt_existing ?? true },
    owners: { ...(techOwner !== undefined ? { techOwner } : {}), ...(businessOwner !== undefined ? { businessOwner } : {}) },
    config: document,
  };
}

/** Things that are accepted but will not work as the author may think. */
function warningsOf(c: ProjectConfig, d: ProjectDefinition, options: CheckOptions): ConfigProblem[] {
  const warnings: ConfigProblem[] = [];
  for (const list of NOTIFICATION_LISTS) {
    (c.notifications?.[list] ?? []).forEach((r, i) => {
      const parsed = parseRecipient(r);
      if ('kind' in parsed && parsed.kind === 'slack' && !options.slackChannels.includes(parsed.channel)) {
        warnings.push({
          path: formatPath(['notifications', list, i]),
          message: `Slack channel "${parsed.channel}" is not in SLACK_WEBHOOKS: notifications to it will fail`,
        });
      }
    });
  }
  const unknownKeys = (section: Record<string, unknown> | null | undefined, known: string[], path: string[]) => {
    for (const key of Object.keys(section ?? {})) {
      if (!known.includes(key)) warnings.push({ path: formatPath([...path, key]), message: 'unknown key: modelgate ignores it' });
    }
  };
  unknownKeys(c.model, MODEL_KEYS, ['model']);
  if (c.model?.stage_aliases && d.registry !== 'aliases') {
    warnings.push({ path: 'model.stage_aliases', message: 'is used only with model.registry: aliases; modelgate ignores it in stages mode' });
  }
  unknownKeys(c.drift, DRIFT_KEYS, ['drift']);
  for (const [stage, policy] of Object.entries(c.promotion ?? {})) unknownKeys(policy, STAGE_POLICY_KEYS, ['promotion', stage]);
  if (c.notifications?.on_approval_needed == null && d.owners.techOwner !== undefined && d.notifications.onApprovalNeeded.length === 0) {
    warnings.push({
      path: 'owners.tech_owner',
      message: 'is not an e-mail address or slack:NAME, so approval requests will notify no one',
    });
  }
  return warnings;
}
