#!/usr/bin/env node
// Asks modelgate's deploy gate whether CI may deploy a project. Plain Node 20 ESM: no build, no dependencies.
import { parseArgs } from 'node:util';

const EXIT_ALLOWED = 0;
const EXIT_DENIED = 1;
const EXIT_UNDECIDED = 2;
const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8000;
const LAST_ATTEMPT_MS = 250;

const HELP = `modelgate-gate: may CI deploy this project? Asks modelgate's deploy gate (POST /deploy-gate).

Usage:
  node bin/modelgate-gate.mjs --project NAME --env ENV [options]

Options:
  --project NAME        project_name of the project's config.yaml (required)
  --env ENV             deployment environment, e.g. prd or dev (required)
  --version N           check this model version instead of letting the gate pick one
  --url URL             modelgate's base URL (default: $MODELGATE_URL)
  --key KEY             API key with the ci role (default: $MODELGATE_API_KEY; prefer the
                        variable: command-line arguments are visible in process lists)
  --timeout-s S         give up after S seconds of retries (default: 30)
  --commit SHA          commit being deployed, stored with the decision (default: $GITHUB_SHA)
  --pipeline-url URL    link to this CI run, stored with the decision (default: the GitHub
                        Actions run URL when $GITHUB_SERVER_URL, $GITHUB_REPOSITORY and
                        $GITHUB_RUN_ID are set)
  -h, --help            show this help

Exit codes:
  0  allowed: deploy the version named on stdout
  1  denied: the reasons are printed; do not deploy
  2  could not decide (modelgate unreachable or unavailable after retries, bad key, unknown
     project or environment, bad arguments): do not deploy

Output: human-readable lines go to stderr. stdout carries only KEY=VALUE lines, so it can be
appended to $GITHUB_OUTPUT or read with grep/sed. When allowed:
  MODELGATE_ALLOWED=true, MODELGATE_DECISION_ID, MODELGATE_PROJECT, MODELGATE_ENV,
  MODELGATE_MODEL, MODELGATE_STAGE, MODELGATE_RUN_ID, MODELGATE_SOURCE, MODELGATE_MODEL_URI
  (models:/NAME@ALIAS or models:/NAME/STAGE), MODELGATE_VERSION_URI (models:/NAME/N), and last
  MODELGATE_VERSION
When denied: MODELGATE_ALLOWED=false and MODELGATE_DECISION_ID. When undecided: nothing.

Network errors, 429 and 5xx answers (503 GATE_UNAVAILABLE included) are retried with
exponential backoff until --timeout-s runs out. The API key is never printed.
`;

class UsageError extends Error {}

/** Control characters from a server's answer must not forge log or KEY=VALUE lines. */
const clean = (value) => String(value ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ');

function makeOutput(secret) {
  const redact = (text) => (secret && secret.length >= 4 ? text.split(secret).join('[redacted]') : text);
  return {
    say: (line) => process.stderr.write(`${redact(`modelgate: ${line}`)}\n`),
    emit: (name, value) => process.stdout.write(`${redact(`MODELGATE_${name}=${clean(value)}`)}\n`),
  };
}

function parseCommandLine(argv, env) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        project: { type: 'string' },
        env: { type: 'string' },
        version: { type: 'string' },
        url: { type: 'string' },
        key: { type: 'string' },
        'timeout-s': { type: 'string' },
        commit: { type: 'string' },
        'pipeline-url': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    // A stray argument may be a pasted secret: name the problem, never echo the text.
    if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') throw new UsageError('unexpected argument (not shown); every value needs its --option');
    throw new UsageError(err.message);
  }
  if (values.help) return { help: true };
  const problems = [];
  const project = values.project?.trim();
  const deployEnv = values.env?.trim();
  if (!project) problems.push('--project is required');
  if (!deployEnv) problems.push('--env is required');
  const version = values.version === undefined ? undefined : values.version.trim();
  if (version !== undefined && !/^[1-9]\d{0,9}$/.test(version)) problems.push('--version must be a positive whole number');
  const timeoutS = Number(values['timeout-s'] ?? 30);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0 || timeoutS > 3600) problems.push('--timeout-s must be a number of seconds between 0 and 3600');
  const key = values.key ?? env.MODELGATE_API_KEY;
  if (!key) problems.push('an API key is required: set MODELGATE_API_KEY (or --key)');
  const base = parseBaseUrl(values.url ?? env.MODELGATE_URL, problems);
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  const githubRun = env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
    ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
    : undefined;
  const body = { project, env: deployEnv };
  if (version !== undefined) body.version = Number(version);
  const commit = values.commit ?? env.GITHUB_SHA;
  if (commit) body.commit = commit;
  const pipelineUrl = values['pipeline-url'] ?? githubRun;
  if (pipelineUrl) body.pipeline_url = pipelineUrl;
  return { help: false, base, key, timeoutMs: timeoutS * 1000, body };
}

/** The base URL without credentials, query or trailing slash; problems are named without echoing it. */
function parseBaseUrl(raw, problems) {
  if (!raw) {
    problems.push('the modelgate URL is required: set MODELGATE_URL (or --url)');
    return undefined;
  }
  let url;
  try {
    url = new URL(raw);
  } catch {
    problems.push('the modelgate URL is not a valid URL');
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') problems.push('the modelgate URL must start with http:// or https://');
  if (url.username || url.password) problems.push('the modelgate URL must not carry credentials; use MODELGATE_API_KEY');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Exponential backoff with equal jitter: half the step fixed, half random. */
function backoffMs(attempt) {
  const step = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (attempt - 1));
  return Math.round(step / 2 + Math.random() * (step / 2));
}

function retryAfterMs(header) {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function describeServerError(status, body) {
  const code = body && typeof body.code === 'string' ? ` ${clean(body.code)}` : '';
  const message = body && typeof body.message === 'string' ? `: ${clean(body.message)}` : '';
  const requestId = body && typeof body.request_id === 'string' ? ` (request_id ${clean(body.request_id)})` : '';
  return `HTTP ${status}${code}${message}${requestId}`;
}

/** One answer → allowed, denied, retry (transient) or undecided (final). */
function classify(status, body, headers) {
  if (status === 200 && body && body.allowed === true) return { kind: 'allowed', body };
  if (status === 409 && body && body.code === 'DEPLOY_DENIED') return { kind: 'denied', body };
  if (status === 429 || status >= 500) {
    return { kind: 'retry', reason: describeServerError(status, body), waitMs: retryAfterMs(headers.get('retry-after')) };
  }
  if (status >= 300 && status < 400) {
    return { kind: 'undecided', reason: `HTTP ${status}: modelgate redirected to ${clean(headers.get('location'))}; set the URL it names` };
  }
  if (status === 200) return { kind: 'undecided', reason: 'HTTP 200 without "allowed": true: not an answer of the deploy gate' };
  return { kind: 'undecided', reason: describeServerError(status, body) };
}

function describeNetworkError(err, base) {
  if (err && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `no answer from ${base} in time`;
  const cause = err && err.cause;
  const detail = (cause && (cause.code || cause.message)) || (err && err.message) || String(err);
  return `cannot reach ${base}: ${clean(detail)}`;
}

async function askGate({ base, key, timeoutMs, body }, say) {
  const started = Date.now();
  const deadline = started + timeoutMs;
  for (let attempt = 1; ; attempt += 1) {
    let outcome;
    try {
      const res = await fetch(`${base}/deploy-gate`, {
        method: 'POST',
        redirect: 'manual',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'modelgate-gate' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
      });
      const text = await res.text();
      let parsed;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      outcome = classify(res.status, parsed, res.headers);
    } catch (err) {
      outcome = { kind: 'retry', reason: describeNetworkError(err, base) };
    }
    if (outcome.kind !== 'retry') return outcome;
    // The last pause is shortened so that one more attempt still fits in the budget.
    const waitMs = Math.min(outcome.waitMs ?? backoffMs(attempt), deadline - Date.now() - LAST_ATTEMPT_MS);
    if (waitMs < 0) {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      return { kind: 'undecided', reason: `${outcome.reason}; gave up after ${attempt} attempt(s) in ${seconds} s (--timeout-s ${timeoutMs / 1000})` };
    }
    say(`${outcome.reason}; retrying in ${(waitMs / 1000).toFixed(1)} s`);
    await sleep(waitMs);
  }
}

function report(outcome, request, { say, emit }) {
  const { project, env } = request.body;
  if (outcome.kind === 'allowed') {
    const a = outcome.body;
    say(`allowed: deploy ${clean(project)} to ${clean(env)} with model ${clean(a.model)} version ${clean(a.version)} (${clean(a.stage)})`);
    say(`  source: ${clean(a.source)}`);
    if (a.model_uri !== undefined) say(`  model_uri: ${clean(a.model_uri)}, version_uri: ${clean(a.version_uri)}`);
    say(`  run_id: ${clean(a.run_id)}, decision: ${clean(a.decision_id)}`);
    for (const [name, value] of [
      ['ALLOWED', 'true'], ['DECISION_ID', a.decision_id], ['PROJECT', a.project ?? project], ['ENV', a.env ?? env],
      ['MODEL', a.model], ['STAGE', a.stage], ['RUN_ID', a.run_id], ['SOURCE', a.source],
      // An older modelgate answers no URIs: their lines are left out rather than emitted empty.
      ...(a.model_uri !== undefined ? [['MODEL_URI', a.model_uri], ['VERSION_URI', a.version_uri]] : []),
      ['VERSION', a.version],
    ]) emit(name, value);
    return EXIT_ALLOWED;
  }
  if (outcome.kind === 'denied') {
    const d = outcome.body;
    const reasons = Array.isArray(d.reasons) && d.reasons.length > 0 ? d.reasons : [d.message ?? 'no reason given'];
    say(`denied: ${clean(project)} may not be deployed to ${clean(env)} (decision ${clean(d.decision_id)})`);
    for (const reason of reasons) say(`  - ${clean(reason)}`);
    emit('ALLOWED', 'false');
    emit('DECISION_ID', d.decision_id);
    return EXIT_DENIED;
  }
  say(`could not decide whether ${clean(project)} may be deployed to ${clean(env)}: ${outcome.reason}`);
  say('not deploying: the gate fails closed');
  return EXIT_UNDECIDED;
}

async function main() {
  let request;
  try {
    request = parseCommandLine(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    makeOutput(process.env.MODELGATE_API_KEY).say(`${err.message} (see --help)`);
    return EXIT_UNDECIDED;
  }
  if (request.help) {
    process.stdout.write(HELP);
    return EXIT_ALLOWED;
  }
  const output = makeOutput(request.key);
  const outcome = await askGate(request, output.say);
  return report(outcome, request, output);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`modelgate: could not decide: unexpected error: ${err && err.name}\n`);
    process.exitCode = EXIT_UNDECIDED;
  },
);
