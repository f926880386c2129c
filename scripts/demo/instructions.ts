import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';

export interface DemoKeys {
  ADMIN_KEY: string;
  READER_KEY: string;
  PROMOTER_KEY: string;
  APPROVER_KEY: string;
  APPROVER2_KEY: string;
  CI_KEY: string;
  EVENTS_KEY: string;
}

export interface DemoFacts {
  baseUrl: string;
  mlflowUrl: string;
  sesUrl: string;
  keys: DemoKeys;
  projectsDir: string;
  /** The failed Step Functions event to post (test/fixtures/events/sfn-failed.json). */
  failedEventFile: string;
  envFile: string;
  root: string;
}

const RULE = '='.repeat(94);
export const DEMO_WARNING = '*** DEMO: fake MLflow, SES and Slack; nothing leaves this machine. ***';

export function banner(): string {
  return [
    RULE,
    '  modelgate DEMO, with FAKE upstreams: an in-memory MLflow, a local SES (aws-ses-v2-local) and a',
    '  Slack sink. Nothing here reaches a real MLflow, AWS or Slack. Every start begins from scratch.',
    '  Not for production: run `npm start` with real MLFLOW_TRACKING_URI, SES and SLACK_WEBHOOKS instead.',
    RULE,
  ].join('\n');
}

/** `export` lines for a shell; also written to `envFile` (mode 0600: it holds the demo's keys). */
export function writeEnvFile(facts: DemoFacts): string[] {
  const lines = [
    `export MG=${facts.baseUrl}`,
    `export SES=${facts.sesUrl}`,
    `export MLFLOW=${facts.mlflowUrl}`,
    ...Object.entries(facts.keys).map(([name, value]) => `export ${name}=${value}`),
    'export MODELGATE_URL=$MG MODELGATE_API_KEY=$CI_KEY',
  ];
  writeFileSync(facts.envFile, `${lines.join('\n')}\n`, { mode: 0o600 });
  return lines;
}

const JSON_TYPE = "-H 'content-type: application/json'";
const bearer = (key: keyof DemoKeys) => `-H "Authorization: Bearer $${key}"`;
const ID_OF = `node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).id'`;

function curlLines(facts: DemoFacts): string[] {
  const event = relative(facts.root, facts.failedEventFile);
  const promote = (model: string, v: number, stage: string, reason: string) =>
    `curl -s -w '\\n' -X POST $MG/models/${model}/versions/${v}/promote ${bearer('PROMOTER_KEY')} ${JSON_TYPE} -d '{"stage":"${stage}","reason":"${reason}"}'`;
  const gate = `curl -s -w '\\n' -X POST $MG/deploy-gate ${bearer('CI_KEY')} ${JSON_TYPE} -d '{"project":"recsys","env":"prd"}'`;
  return [
    '# 1. May CI deploy recsys to prd? Not yet: 409 DEPLOY_DENIED, no version of recsys is in Production',
    gate,
    '# 2. recsys v2 to Staging, then Production (policy: roc_auc, f1, validation_status tag; no approvals)',
    promote('recsys', 2, 'Staging', 'beats the baseline offline'),
    promote('recsys', 2, 'Production', 'tuned model, validated'),
    '# 3. The gate again: 200, deploy recsys version 2 (the same through the CI command: exit code 0)',
    gate,
    'node bin/modelgate-gate.mjs --project recsys --env prd',
    '# 4. churn-classifier v2 to Production needs two approvals: 202 pending_approval, then two approvers',
    `ID=$(${promote('churn-classifier', 2, 'Production', 'retrained on November data').replace("-s -w '\\n' ", '-s ')} | ${ID_OF}); echo $ID`,
    `curl -s -w '\\n' -X POST $MG/promotions/$ID/approve ${bearer('APPROVER_KEY')} ${JSON_TYPE} -d '{"comment":"metrics look right"}'`,
    `curl -s -w '\\n' -X POST $MG/promotions/$ID/approve ${bearer('APPROVER2_KEY')} ${JSON_TYPE} -d '{}'`,
    '# 5. A failed Step Functions run of recsys, as EventBridge posts it: 2 e-mails and a Slack post (see this window)',
    `curl -s -w '\\n' -X POST $MG/events/eventbridge -H "X-API-Key: $EVENTS_KEY" ${JSON_TYPE} --data-binary @${event}`,
    '# 6. What was sent: the e-mails SES accepted (or open $SES in a browser), the delivery log, the run',
    `curl -s -w '\\n' $SES/store`,
    `curl -s -w '\\n' $MG/notifications ${bearer('READER_KEY')}`,
    `curl -s -w '\\n' $MG/pipeline-runs ${bearer('READER_KEY')}`,
    '# 7. churn-classifier v3 was staged in the fake MLflow behind modelgate at start: the open drift, then an approver adopts it',
    `curl -s -w '\\n' "$MG/drift?status=open" ${bearer('READER_KEY')}`,
    `curl -s -w '\\n' -X POST $MG/models/churn-classifier/versions/3/adopt ${bearer('APPROVER_KEY')} ${JSON_TYPE} -d '{"reason":"staged by hand for the A/B test; checked"}'`,
    '# 8. Who did what, the hash chain checked, and the metrics',
    `curl -s -w '\\n' "$MG/audit?max_results=5" ${bearer('READER_KEY')}`,
    `curl -s -w '\\n' $MG/audit/verify ${bearer('READER_KEY')}`,
    `curl -s $MG/metrics | grep -E '^modelgate_(promotions|deploy_gate_decisions|pipeline_events|notifications)_total'`,
  ];
}

/** Who each demo key is, for signing in to the console. */
const PEOPLE: [keyof DemoKeys, string][] = [
  ['APPROVER_KEY', 'bob, approver: inbox, approve or reject, Adopt…'],
  ['APPROVER2_KEY', 'carol, approver: the second approval'],
  ['PROMOTER_KEY', 'alice, promoter: Models, Promote… and Roll back…'],
  ['READER_KEY', 'dashboard, reader: everything, no buttons'],
  ['ADMIN_KEY', 'admin: every role, Retry on dead notifications'],
];

function consoleLines(facts: DemoFacts): string[] {
  return [
    `web console      ${facts.baseUrl}/console/   sign in with one of these keys (each tab signs in on its own):`,
    ...PEOPLE.map(([name, who]) => `  ${who.padEnd(50)} ${facts.keys[name]}`),
  ];
}

export function instructions(facts: DemoFacts, envLines: string[]): string {
  return [
    '',
    ...consoleLines(facts),
    '',
    `modelgate        ${facts.baseUrl}   (OpenAPI: ${facts.baseUrl}/docs)`,
    `fake MLflow      ${facts.mlflowUrl}   recsys v1-v3 in None; churn-classifier v1 Production, v2 Staging,`,
    '                 and v3 moved to Staging in the fake MLflow at start, not through modelgate: an open drift (Drift page)',
    `local SES        ${facts.sesUrl}   (web page of the e-mails sent; JSON at /store)`,
    'Slack sink       every post is printed in this window as it arrives',
    `projects         ${relative(facts.root, facts.projectsDir)}/recsys, ${relative(facts.root, facts.projectsDir)}/churn`,
    '',
    `In another shell, from ${facts.root}: source ${relative(facts.root, facts.envFile)}   (or paste:)`,
    '',
    ...envLines,
    '',
    ...curlLines(facts),
    '',
    'Ctrl-C stops the demo (modelgate, PostgreSQL and the fakes).',
    '',
  ].join('\n');
}
