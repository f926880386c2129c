// Helper processes for bench/events.bench.ts (plain JavaScript: no build needed).
//   node bench/support/events-load.mjs sinks           → SES (aws-ses-v2-local) and a Slack sink on loopback; prints their URLs
//   node bench/support/events-load.mjs ingest <json>   → autocannon POSTing unique EventBridge events; prints the result
// Load and sinks run outside the app's process so that they do not share its event loop.
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

async function sinks() {
  const startSes = require('aws-ses-v2-local').default;
  const ses = await startSes({ host: '127.0.0.1', port: 0 });
  let slackPosts = 0;
  const slack = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      slackPosts += 1;
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise((resolve) => slack.listen(0, '127.0.0.1', resolve));
  process.stdout.write(
    JSON.stringify({ ses: `http://127.0.0.1:${ses.address().port}`, slack: `http://127.0.0.1:${slack.address().port}` }) + '\n',
  );
  process.on('SIGTERM', () => process.exit(0));
  setInterval(() => undefined, 60_000);
  void slackPosts;
}

function eventBody(project, status, n) {
  const execution = `bench-${process.pid}-${n}-${randomUUID().slice(0, 8)}`;
  const arn = `arn:aws:states:us-east-1:123456789012:execution:${project}-workflow:${execution}`;
  const failed = status !== 'SUCCEEDED' && status !== 'RUNNING';
  return JSON.stringify({
    version: '0',
    id: randomUUID(),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: '123456789012',
    time: '2026-11-23T03:10:12Z',
    region: 'us-east-1',
    resources: [arn],
    detail: {
      executionArn: arn,
      stateMachineArn: `arn:aws:states:us-east-1:123456789012:stateMachine:${project}-workflow`,
      name: execution,
      status,
      startDate: 1795402800000,
      stopDate: status === 'RUNNING' ? null : 1795403412000,
      input: '{"project": "recsys", "version": "1.0.0", "env": "prd", "triggered_by": "sched-recsys"}',
      output: null,
      inputDetails: { included: true },
      outputDetails: null,
      error: failed ? 'States.TaskFailed' : null,
      cause: failed
        ? '{"Attempts": [{"Container": {"ExitCode": 1}, "StatusReason": "Essential container in task exited"}], "StoppedReason": "Essential container in task exited", "TaskArn": "arn:aws:ecs:us-east-1:123456789012:task/recsys/0a1b2c3d4e5f"}'
        : null,
      redriveCount: 0,
    },
  });
}

async function ingest({ url, key, durationS, connections, project, status }) {
  let n = 0;
  const statuses = {};
  const result = await autocannon({
    url: `${url}/events/eventbridge`,
    connections,
    duration: durationS,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        setupRequest: (req) => ({ ...req, body: eventBody(project, status, n++) }),
        onResponse: (code) => {
          statuses[code] = (statuses[code] ?? 0) + 1;
        },
      },
    ],
  });
  process.stdout.write(
    JSON.stringify({
      sent: n,
      statuses,
      durationS: result.duration,
      requestsPerSecond: result.requests.average,
      latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
      errors: result.errors,
      timeouts: result.timeouts,
    }) + '\n',
  );
}

const [mode, arg] = process.argv.slice(2);
if (mode === 'sinks') await sinks();
else if (mode === 'ingest') await ingest(JSON.parse(arg));
else {
  process.stderr.write('usage: events-load.mjs sinks | ingest <json>\n');
  process.exit(2);
}
