// Pure rules of provision-events: what EventBridge should hold, and how what it holds differs. No I/O.

export const API_KEY_HEADER = 'X-API-Key';
export const EXECUTION_STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];
/** EventBridge's ceilings: a delivery is retried at most 185 times, for at most 24 hours. */
export const RETRY_POLICY = { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 };
/** EventBridge's default quota on an event pattern (4096 after a quota increase). */
export const EVENT_PATTERN_QUOTA = 2048;
const RULE_DESCRIPTION = "Step Functions executions of modelgate's projects, sent to modelgate (modelgate-admin provision-events)";

/** Resource names under a prefix; with the default prefix they are the names the README used to type by hand. */
export function resourceNames(prefix) {
  return { connection: prefix, apiDestination: `${prefix}-events`, rule: `sfn-executions-to-${prefix}`, targetId: prefix };
}

export function eventPattern(stateMachineArns) {
  return {
    source: ['aws.states'],
    'detail-type': ['Step Functions Execution Status Change'],
    detail: { status: [...EXECUTION_STATUSES], stateMachineArn: [...stateMachineArns].sort() },
  };
}

/** Keys sorted and arrays ordered, so that two patterns meaning the same compare equal. */
function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k])]));
  return value;
}

const same = (a, b) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

function parsePattern(text) {
  try {
    const parsed = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The pattern without its list of state machines, and that list. */
function splitPattern(pattern) {
  const detail = pattern && typeof pattern.detail === 'object' && pattern.detail ? pattern.detail : {};
  const { stateMachineArn, ...otherDetail } = detail;
  const arns = Array.isArray(stateMachineArn) ? stateMachineArn.filter((a) => typeof a === 'string') : [];
  return { rest: { ...pattern, detail: otherDetail }, arns };
}

function entry(resource, name, current, changes, note) {
  const action = current === undefined ? 'create' : changes.length > 0 ? 'update' : 'unchanged';
  return { resource, name, action, changes, ...(note ? { note } : {}) };
}

/** Scalar fields that differ, as `{ field, from, to }` (`from` left out when creating). */
function fieldChanges(current, pairs) {
  return pairs
    .filter(([, have, want]) => current === undefined || !same(have, want))
    .map(([field, have, want]) => (current === undefined ? { field, to: want } : { field, from: have ?? null, to: want ?? null }));
}

/** The connection: API_KEY auth sending X-API-Key. AWS never returns the key, so it is written, never compared. */
export function planConnection(name, current, { rotateKey }) {
  const auth = current && current.AuthParameters && current.AuthParameters.ApiKeyAuthParameters;
  const changes = fieldChanges(current, [
    ['authorization_type', current && current.AuthorizationType, 'API_KEY'],
    ['api_key_name', auth && auth.ApiKeyName, API_KEY_HEADER],
  ]);
  if (current === undefined || rotateKey || changes.length > 0) changes.push({ field: 'api_key', to: '[written, not shown]' });
  const state = current && current.ConnectionState;
  const note = state === 'DEAUTHORIZED' || state === 'FAILED_CONNECTIVITY'
    ? `state ${state}${current.StateReason ? ` (${current.StateReason})` : ''}: EventBridge cannot deliver; run again with --rotate-key`
    : undefined;
  return entry('connection', name, current, changes, note);
}

/** `desired.connectionArn` is null while the connection is still to be created. */
export function planApiDestination(name, current, desired) {
  const changes = fieldChanges(current, [
    ['connection_arn', current && current.ConnectionArn, desired.connectionArn ?? '(the connection created first)'],
    ['invocation_endpoint', current && current.InvocationEndpoint, desired.endpoint],
    ['http_method', current && current.HttpMethod, 'POST'],
    ['invocation_rate_limit_per_second', current && current.InvocationRateLimitPerSecond, desired.rateLimit],
  ]);
  return entry('api_destination', name, current, changes);
}

/**
 * The rule's wanted pattern and state. With no state machine to match (an empty list is not a valid
 * pattern) an existing rule is disabled as it stands and a missing one is not created.
 */
export function desiredRule(current, stateMachineArns) {
  if (stateMachineArns.length > 0) return { pattern: eventPattern(stateMachineArns), state: 'ENABLED', description: RULE_DESCRIPTION };
  if (current === undefined) return undefined;
  return { pattern: parsePattern(current.EventPattern) ?? {}, state: 'DISABLED', description: current.Description ?? RULE_DESCRIPTION };
}

export function planRule(name, current, desired) {
  if (desired === undefined) return { resource: 'rule', name, action: 'skip', changes: [], note: "no project's state machine is known" };
  const want = splitPattern(desired.pattern);
  const changes = [];
  if (current === undefined) {
    changes.push({ field: 'state_machine_arns', added: want.arns, removed: [] });
  } else {
    const have = splitPattern(parsePattern(current.EventPattern));
    const added = want.arns.filter((a) => !have.arns.includes(a));
    const removed = have.arns.filter((a) => !want.arns.includes(a));
    if (added.length > 0 || removed.length > 0) changes.push({ field: 'state_machine_arns', added, removed });
    if (!same(have.rest, want.rest)) changes.push({ field: 'event_pattern', from: have.rest, to: want.rest });
  }
  changes.push(...fieldChanges(current, [
    ['state', current && current.State, desired.state],
    ['description', current && current.Description, desired.description],
  ]));
  const note = desired.state === 'DISABLED' ? "disabled: no project's state machine is known" : undefined;
  return entry('rule', name, current, changes, note);
}

/** What a target carries besides the fields compared; modelgate wants the event as EventBridge built it. */
const TRANSFORMS = ['Input', 'InputPath', 'InputTransformer', 'HttpParameters'];

/** `desired.apiDestinationArn` is null while the API destination is still to be created. */
export function planTarget(name, current, desired, ruleAction) {
  if (ruleAction === 'skip') return { resource: 'target', name, action: 'skip', changes: [], note: 'no rule' };
  const retry = current && current.RetryPolicy;
  const changes = fieldChanges(current, [
    ['arn', current && current.Arn, desired.apiDestinationArn ?? '(the API destination created first)'],
    ['role_arn', current && current.RoleArn, desired.roleArn],
    ['retry_policy', retry && { MaximumRetryAttempts: retry.MaximumRetryAttempts, MaximumEventAgeInSeconds: retry.MaximumEventAgeInSeconds }, RETRY_POLICY],
    ['dead_letter_queue_arn', current && current.DeadLetterConfig && current.DeadLetterConfig.Arn, desired.dlqArn],
  ]).filter((c) => !(current === undefined && c.to === undefined));
  const transformed = current && TRANSFORMS.filter((k) => current[k] !== undefined);
  if (transformed && transformed.length > 0) changes.push({ field: 'input', from: transformed.join(', '), to: 'the event as is' });
  return entry('target', name, current, changes);
}

const LABELS = {
  authorization_type: 'authorization type',
  api_key_name: 'API key header',
  connection_arn: 'connection',
  invocation_endpoint: 'endpoint',
  http_method: 'HTTP method',
  invocation_rate_limit_per_second: 'rate limit per second',
  event_pattern: 'event pattern',
  state: 'state',
  description: 'description',
  arn: 'API destination',
  role_arn: 'role',
  retry_policy: 'retry policy',
  dead_letter_queue_arn: 'dead-letter queue',
  input: 'input',
};

const shortArn = (arn) => arn.slice(arn.lastIndexOf(':') + 1);
const shown = (value) => (value === null || value === undefined ? 'none' : typeof value === 'object' ? JSON.stringify(value) : String(value));

/** One change in words, e.g. `rate limit per second 50 → 100` or `state machines added churn-workflow`. */
export function describeChange(change) {
  if (change.field === 'api_key') return 'API key written';
  if (change.field === 'state_machine_arns') {
    const parts = [];
    if (change.added.length > 0) parts.push(`added ${change.added.map(shortArn).join(', ')}`);
    if (change.removed.length > 0) parts.push(`removed ${change.removed.map(shortArn).join(', ')}`);
    return `state machines ${parts.join(', ')}`;
  }
  if (change.field === 'event_pattern') return 'event pattern';
  return `${LABELS[change.field] ?? change.field} ${shown(change.from)} → ${shown(change.to)}`;
}
