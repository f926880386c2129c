// provision-events: makes EventBridge send the Step Functions executions of modelgate's projects to modelgate.
import { AdminError, EXIT_DONE, EXIT_REFUSED, isLoopback, makeOutput, parseBaseUrl, parseOptions, usageError } from './cli.mjs';
import { EventBridgeWiring, createEventBridgeClient } from './event-bridge.mjs';
import {
  EVENT_PATTERN_QUOTA,
  desiredRule,
  describeChange,
  planApiDestination,
  planConnection,
  planRule,
  planTarget,
  resourceNames,
} from './events-plan.mjs';
import { modelgateFromEnv } from './modelgate-api.mjs';
import { createSfnClient, readProjects, resolveStateMachines } from './state-machines.mjs';

export const HELP = `modelgate-admin provision-events: wire EventBridge to modelgate for every project's state machine.

Usage:
  node bin/modelgate-admin.mjs provision-events --url https://modelgate.example.com --role-arn ARN [options]

Makes these exist and match, creating or updating only what differs (running it again changes nothing):
  connection NAME_PREFIX                  API_KEY auth sending X-API-Key (the events key)
  api destination NAME_PREFIX-events      POST {url}/events/eventbridge, at the rate limit
  rule sfn-executions-to-NAME_PREFIX      Step Functions execution status changes (RUNNING, SUCCEEDED,
                                          FAILED, TIMED_OUT, ABORTED) of the projects' state machines
  target NAME_PREFIX of that rule         the API destination with the role, retried 185 times / 24 h,
                                          and the dead-letter queue when given (removed when not)

Options:
  --url URL             modelgate's public base URL as EventBridge calls it (https; http only on loopback)
  --role-arn ARN        IAM role EventBridge assumes to invoke the API destination (events:InvokeApiDestination)
  --dlq-arn ARN         SQS queue for events EventBridge could not deliver
  --rate-limit N        invocations per second of the API destination (default: 100)
  --event-bus NAME      event bus of the rule (default: default, where Step Functions sends its events)
  --name-prefix NAME    prefix of the resource names (default: modelgate)
  --events-key KEY      key of a modelgate key with the events role (default: $MODELGATE_EVENTS_KEY; prefer
                        the variable: arguments show in process lists). Needed when the connection is
                        created or --rotate-key is given: AWS never returns it, so it is never compared
  --rotate-key          write the events key into the existing connection
  --dry-run             print the plan as JSON (each resource's action: create, update, unchanged or skip,
                        and what would change); change nothing
  --json                print the result as JSON instead of one line per resource
  -h, --help            show this help

Environment: MODELGATE_URL (modelgate as this machine reaches it; may be an internal address) and
MODELGATE_API_KEY (a reader key is enough) for the projects; AWS credentials, AWS_REGION,
AWS_ENDPOINT_URL_EVENTBRIDGE and AWS_ENDPOINT_URL_SFN as the AWS SDK reads them. A project's state
machine is the ARN its config names, else the one named {project_name}-workflow (ListStateMachines).

Output: one line per resource: created, updated: <what>, unchanged; a line "missing: <project>" for
each project whose state machine is not found (the rest is provisioned). No key is ever printed.

Exit codes:
  0  done (or the plan printed)
  1  AWS refused a call (its message is printed), or a project's state machine is missing
  2  bad arguments, or modelgate or AWS could not be reached
`;

const OPTIONS = {
  url: { type: 'string' },
  'role-arn': { type: 'string' },
  'dlq-arn': { type: 'string' },
  'rate-limit': { type: 'string' },
  'event-bus': { type: 'string' },
  'name-prefix': { type: 'string' },
  'events-key': { type: 'string' },
  'rotate-key': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const QUEUE_ARN = /^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[\w-]{1,80}(\.fifo)?$/;
const NAME_PREFIX = /^[A-Za-z0-9._-]{1,40}$/;
const EVENT_BUS = /^[A-Za-z0-9._\-/:]{1,1600}$/;

function parseCommandLine(argv, env) {
  const values = parseOptions(argv, OPTIONS);
  if (values.help) return { help: true };
  const problems = [];
  if (values.url === undefined) problems.push('--url is required');
  const url = values.url === undefined ? undefined : parseBaseUrl(values.url, '--url', problems);
  if (url && url.url.protocol !== 'https:' && !isLoopback(url.url)) problems.push('--url must use https (EventBridge calls only https; http is allowed on loopback for tests)');
  const roleArn = values['role-arn'];
  if (!roleArn) problems.push('--role-arn is required');
  else if (!ROLE_ARN.test(roleArn)) problems.push('--role-arn must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)');
  const dlqArn = values['dlq-arn'];
  if (dlqArn !== undefined && !QUEUE_ARN.test(dlqArn)) problems.push('--dlq-arn must be an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME)');
  const rateLimit = Number(values['rate-limit'] ?? 100);
  if (!Number.isInteger(rateLimit) || rateLimit < 1 || rateLimit > 10_000) problems.push('--rate-limit must be a whole number of invocations per second, at least 1');
  const eventBus = values['event-bus'] ?? 'default';
  if (!EVENT_BUS.test(eventBus)) problems.push('--event-bus must be an event bus name or ARN');
  const prefix = values['name-prefix'] ?? 'modelgate';
  if (!NAME_PREFIX.test(prefix)) problems.push('--name-prefix must be 1 to 40 letters, digits, dots, dashes or underscores');
  const eventsKey = values['events-key'] ?? (env.MODELGATE_EVENTS_KEY || undefined);
  if (eventsKey !== undefined && !/^\S+$/.test(eventsKey)) problems.push('the events key must not be empty or contain spaces');
  if (values['rotate-key'] && !eventsKey) problems.push('--rotate-key needs the events key: set MODELGATE_EVENTS_KEY (or --events-key)');
  const modelgate = modelgateFromEnv(env, problems);
  if (problems.length > 0) throw usageError(problems.join('; '));
  return {
    help: false,
    modelgate,
    endpoint: `${url.base}/events/eventbridge`,
    roleArn,
    dlqArn,
    rateLimit,
    eventBus,
    names: resourceNames(prefix),
    eventsKey,
    rotateKey: Boolean(values['rotate-key']),
    dryRun: Boolean(values['dry-run']),
    json: Boolean(values.json),
  };
}

/** Reads modelgate's projects and what EventBridge holds; answers what would change. Reads only. */
async function plan(request, wiring) {
  const { names } = request;
  const projects = await readProjects(request.modelgate);
  const { found, missing } = await resolveStateMachines(projects, createSfnClient);
  const arns = [...new Set(found.map((f) => f.arn))];
  const current = {
    connection: await wiring.readConnection(names.connection),
    apiDestination: await wiring.readApiDestination(names.apiDestination),
    rule: await wiring.readRule(names.rule),
  };
  current.target = current.rule ? await wiring.readTarget(names.rule, names.targetId) : undefined;
  const rule = desiredRule(current.rule, arns);
  const entries = {
    connection: planConnection(names.connection, current.connection, request),
    apiDestination: planApiDestination(names.apiDestination, current.apiDestination, {
      connectionArn: current.connection?.ConnectionArn ?? null,
      endpoint: request.endpoint,
      rateLimit: request.rateLimit,
    }),
    rule: planRule(names.rule, current.rule, rule),
  };
  entries.target = planTarget(`${names.rule}/${names.targetId}`, current.target, {
    apiDestinationArn: current.apiDestination?.ApiDestinationArn ?? null,
    roleArn: request.roleArn,
    dlqArn: request.dlqArn,
  }, entries.rule.action);
  const patternLength = rule ? JSON.stringify(rule.pattern).length : 0;
  if (entries.rule.action !== 'unchanged' && patternLength > EVENT_PATTERN_QUOTA) {
    entries.rule.note = `the event pattern is ${patternLength} characters; EventBridge allows ${EVENT_PATTERN_QUOTA} unless the quota was raised (4096 at most)`;
  }
  return { current, rule, entries, missing };
}

const PAST = { create: 'created', update: 'updated', unchanged: 'unchanged', skip: 'skipped' };
const LABEL = { connection: 'connection', api_destination: 'api destination', rule: 'rule', target: 'target' };

function resultLine(entry) {
  const note = entry.note ? ` (${entry.note})` : '';
  if (entry.action === 'failed') return `${LABEL[entry.resource]} ${entry.name}: failed: ${entry.error}${note}`;
  if (entry.action === 'updated') return `${LABEL[entry.resource]} ${entry.name}: updated: ${entry.changes.map(describeChange).join('; ')}${note}`;
  return `${LABEL[entry.resource]} ${entry.name}: ${entry.action}${note}`;
}

/** Applies the plan in dependency order; stops at the first refusal, which is reported on its resource. */
async function apply(request, wiring, { current, rule, entries }, report) {
  const { names } = request;
  const arns = { connection: current.connection?.ConnectionArn, apiDestination: current.apiDestination?.ApiDestinationArn, rule: current.rule?.Arn };
  // Each write answers the resource's ARN (a target has none); later writes use the ARNs of earlier ones.
  const writes = {
    connection: () => wiring.writeConnection(names.connection, Boolean(current.connection), request.eventsKey),
    apiDestination: () => wiring.writeApiDestination(names.apiDestination, Boolean(current.apiDestination), {
      connectionArn: arns.connection,
      endpoint: request.endpoint,
      rateLimit: request.rateLimit,
    }),
    rule: () => wiring.writeRule(names.rule, rule),
    target: () => wiring.writeTarget(names.rule, { id: names.targetId, apiDestinationArn: arns.apiDestination, roleArn: request.roleArn, dlqArn: request.dlqArn }),
  };
  for (const [key, write] of Object.entries(writes)) {
    const entry = entries[key];
    if (entry.action === 'create' || entry.action === 'update') {
      try {
        arns[key] = (await write()) ?? arns[key];
      } catch (err) {
        if (!(err instanceof AdminError)) throw err;
        report({ ...entry, action: 'failed', error: err.message });
        throw err;
      }
    }
    report({ ...entry, action: PAST[entry.action], ...(arns[key] ? { arn: arns[key] } : {}) });
  }
}

/** The whole command; answers the exit code. */
export async function provisionEvents(argv, env) {
  let request;
  try {
    request = parseCommandLine(argv, env);
  } catch (err) {
    if (!(err instanceof AdminError)) throw err;
    makeOutput([env.MODELGATE_EVENTS_KEY, env.MODELGATE_API_KEY]).say(err.message);
    return err.exitCode;
  }
  if (request.help) {
    process.stdout.write(HELP);
    return EXIT_DONE;
  }
  const out = makeOutput([request.eventsKey, request.modelgate.key]);
  const results = [];
  let missing = [];
  let failure;
  try {
    const wiring = new EventBridgeWiring(createEventBridgeClient(), request.eventBus);
    const planned = await plan(request, wiring);
    if (request.dryRun) {
      out.json({ dry_run: true, resources: Object.values(planned.entries), missing: planned.missing });
      return EXIT_DONE;
    }
    const connection = planned.entries.connection;
    if (connection.action !== 'unchanged' && !request.eventsKey) {
      const verb = connection.action === 'create' ? 'created' : 'updated';
      throw usageError(`connection ${connection.name} must be ${verb}, which writes the events key: set MODELGATE_EVENTS_KEY (or --events-key); nothing was changed`);
    }
    missing = planned.missing;
    if (!request.json) for (const m of missing) out.line(`missing: ${m.project} (no state machine named ${m.state_machine_name})`);
    await apply(request, wiring, planned, (entry) => {
      results.push(entry);
      if (!request.json) out.line(resultLine(entry));
    });
  } catch (err) {
    if (!(err instanceof AdminError)) throw err;
    failure = err;
    // A refused write is already reported on its resource's line.
    if (request.json || !results.some((r) => r.action === 'failed')) out.say(err.message);
  }
  const code = failure ? failure.exitCode : missing.length > 0 ? EXIT_REFUSED : EXIT_DONE;
  if (request.json) out.json({ dry_run: false, resources: results, missing, ...(failure ? { error: failure.message } : {}), exit_code: code });
  return code;
}
