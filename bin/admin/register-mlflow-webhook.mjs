// register-mlflow-webhook: makes MLflow (3.3+) tell modelgate at once of alias, tag and version changes.
import { createHmac } from 'node:crypto';
import { AdminError, EXIT_DONE, EXIT_REFUSED, clean, isLoopback, makeOutput, parseBaseUrl, parseOptions, usageError } from './cli.mjs';
import { mlflowFromEnv } from './mlflow-api.mjs';

export const HELP = `modelgate-admin register-mlflow-webhook: make MLflow send modelgate its registry events.

Usage:
  node bin/modelgate-admin.mjs register-mlflow-webhook --url https://modelgate.example.com/webhooks/mlflow [options]

Makes one MLflow webhook exist and match (running it again changes nothing), for the six events
after which modelgate checks a model for drift: MODEL_VERSION CREATED, MODEL_VERSION_ALIAS CREATED
and DELETED, MODEL_VERSION_TAG SET and DELETED, REGISTERED_MODEL CREATED. MLflow sends no event for
stage changes: modelgate still polls for those (DRIFT_CHECK_INTERVAL_S).

Options:
  --url URL       where MLflow sends deliveries: modelgate's /webhooks/mlflow as MLflow reaches it
                  (https; http only on loopback). A bare base URL gets /webhooks/mlflow appended
  --name NAME     the webhook's name in MLflow, which is how it is found again (default: modelgate)
  --test          then have MLflow send a test delivery, and check that modelgate accepted it
  --dry-run       print what would change; change nothing
  -h, --help      show this help

Environment: MLFLOW_TRACKING_URI; MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and
MLFLOW_TRACKING_PASSWORD; MLFLOW_WEBHOOK_SECRET, the same value modelgate runs with. MLflow never
shows a webhook's secret, so its fingerprint (a keyed hash, not the secret) is kept in the
webhook's description: a changed secret is seen and written again.

Output: "webhook NAME: created", "webhook NAME: updated: <what>" or "webhook NAME: unchanged".
No secret is ever printed.

Exit codes:
  0  done
  1  MLflow refused a call, is older than 3.3 (no webhooks), or the test delivery was not accepted
  2  bad arguments, or MLflow could not be reached
`;

const OPTIONS = {
  url: { type: 'string' },
  name: { type: 'string' },
  test: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export const WEBHOOK_EVENTS = [
  { entity: 'MODEL_VERSION', action: 'CREATED' },
  { entity: 'MODEL_VERSION_ALIAS', action: 'CREATED' },
  { entity: 'MODEL_VERSION_ALIAS', action: 'DELETED' },
  { entity: 'MODEL_VERSION_TAG', action: 'SET' },
  { entity: 'MODEL_VERSION_TAG', action: 'DELETED' },
  { entity: 'REGISTERED_MODEL', action: 'CREATED' },
];
const NAME = /^[A-Za-z0-9._-]{1,100}$/;
const DESCRIPTION = 'modelgate: drift checks on registry events';
const FINGERPRINT = / \(secret fingerprint ([0-9a-f]{16})\)$/;

/** A keyed hash of the secret, safe to show: it tells whether the secret changed, not what it is. */
const fingerprintOf = (secret) => createHmac('sha256', secret).update('modelgate webhook secret fingerprint').digest('hex').slice(0, 16);
const eventKey = (e) => `${e.entity}.${e.action}`;
const sameEvents = (a, b) => JSON.stringify((a ?? []).map(eventKey).sort()) === JSON.stringify(b.map(eventKey).sort());

function parseCommandLine(argv, env) {
  const values = parseOptions(argv, OPTIONS);
  if (values.help) return { help: true };
  const problems = [];
  let url;
  if (values.url === undefined) problems.push('--url is required');
  else {
    const parsed = parseBaseUrl(values.url, '--url', problems);
    if (parsed && parsed.url.protocol !== 'https:' && !isLoopback(parsed.url)) problems.push('--url must use https (http is allowed on loopback for tests)');
    if (parsed) url = parsed.url.pathname.replace(/\/+$/, '') === '' ? `${parsed.base}/webhooks/mlflow` : parsed.base;
  }
  const name = values.name ?? 'modelgate';
  if (!NAME.test(name)) problems.push('--name must be 1 to 100 letters, digits, dots, dashes or underscores');
  const secret = env.MLFLOW_WEBHOOK_SECRET;
  if (!secret) problems.push("the webhook secret is required: set MLFLOW_WEBHOOK_SECRET (the value modelgate runs with)");
  const mlflow = mlflowFromEnv(env, problems);
  if (problems.length > 0) throw usageError(problems.join('; '));
  return { help: false, url, name, secret, mlflow, test: Boolean(values.test), dryRun: Boolean(values['dry-run']) };
}

/** MLflow's webhooks came in 3.3. */
async function requireWebhookApi(mlflow) {
  const version = await mlflow.version();
  const match = /^(\d+)\.(\d+)/.exec(version);
  if (!match) throw new AdminError(`MLflow's GET /version answered "${clean(version).slice(0, 40)}", not a version`, EXIT_REFUSED);
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major < 3 || (major === 3 && minor < 3)) {
    throw new AdminError(`MLflow ${clean(version)} has no webhooks (they came in 3.3): modelgate sees its changes by polling only`, EXIT_REFUSED);
  }
  return version;
}

/** What the webhook should be, and what differs in `current` (undefined: create it). */
function plan(request, current) {
  const fingerprint = fingerprintOf(request.secret);
  const desired = { name: request.name, url: request.url, events: WEBHOOK_EVENTS, status: 'ACTIVE', description: `${DESCRIPTION} (secret fingerprint ${fingerprint})` };
  if (!current) return { action: 'create', desired, changes: [] };
  const changes = [];
  if (current.name !== desired.name) changes.push('name');
  if (current.url !== desired.url) changes.push('url');
  if (!sameEvents(current.events, desired.events)) changes.push('events');
  if (current.status !== 'ACTIVE') changes.push('status');
  const description = current.description ?? '';
  if (description.replace(FINGERPRINT, '') !== DESCRIPTION) changes.push('description');
  if (FINGERPRINT.exec(description)?.[1] !== fingerprint) changes.push('secret');
  return { action: changes.length > 0 ? 'update' : 'unchanged', id: current.webhook_id, desired, changes };
}

/** Only what differs is sent; the secret (with its fingerprint) only when it changed. */
function patchOf({ desired, changes }, secret) {
  const body = {};
  if (changes.includes('name')) body.name = desired.name;
  if (changes.includes('url')) body.url = desired.url;
  if (changes.includes('events')) body.events = desired.events;
  if (changes.includes('status')) body.status = desired.status;
  if (changes.includes('description') || changes.includes('secret')) body.description = desired.description;
  if (changes.includes('secret')) body.secret = secret;
  return body;
}

async function apply(request, planned) {
  const { mlflow } = request;
  if (planned.action === 'create') {
    const created = await mlflow.call('POST', '/api/2.0/mlflow/webhooks', { ...planned.desired, secret: request.secret });
    return created.webhook.webhook_id;
  }
  if (planned.action === 'update') await mlflow.call('PATCH', `/api/2.0/mlflow/webhooks/${encodeURIComponent(planned.id)}`, patchOf(planned, request.secret));
  return planned.id;
}

/** The whole command; answers the exit code. */
export async function registerMlflowWebhook(argv, env) {
  const secrets = [env.MLFLOW_WEBHOOK_SECRET, env.MLFLOW_TRACKING_TOKEN, env.MLFLOW_TRACKING_PASSWORD];
  const out = makeOutput(secrets);
  try {
    const request = parseCommandLine(argv, env);
    if (request.help) {
      process.stdout.write(HELP);
      return EXIT_DONE;
    }
    await requireWebhookApi(request.mlflow);
    const hooks = await request.mlflow.listWebhooks();
    const current = hooks.find((h) => h.name === request.name) ?? hooks.find((h) => h.url === request.url);
    const planned = plan(request, current);
    const label = `webhook ${request.name}`;
    if (request.dryRun) {
      out.line(`${label}: ${planned.action === 'update' ? `would update: ${planned.changes.join(', ')}` : planned.action === 'create' ? 'would create' : 'unchanged'}`);
      return EXIT_DONE;
    }
    const id = await apply(request, planned);
    const past = { create: 'created', update: `updated: ${planned.changes.join(', ')}`, unchanged: 'unchanged' }[planned.action];
    out.line(`${label}: ${past} (id ${clean(id)}, ${request.url})`);
    if (request.test) {
      const { result } = await request.mlflow.call('POST', `/api/2.0/mlflow/webhooks/${encodeURIComponent(id)}/test`, {});
      const answered = result && result.response_status ? `modelgate answered HTTP ${result.response_status}` : `no answer: ${clean(result && result.error_message)}`;
      if (!result || !result.success) {
        const said = result && result.response_body ? `: ${clean(result.response_body).slice(0, 300)}` : '';
        throw new AdminError(`test delivery not accepted: ${answered}${said}`, EXIT_REFUSED);
      }
      out.line(`test delivery: ${answered}`);
    }
    return EXIT_DONE;
  } catch (err) {
    if (!(err instanceof AdminError)) throw err;
    out.say(err.message);
    return err.exitCode;
  }
}
