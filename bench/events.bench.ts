/**
 * Pipeline events: the durable ingest rate, and the outbox delivery rate.
 *
 *   npm run bench -- bench/events
 *
 * Knobs (environment): BENCH_DURATION_S (5), BENCH_ROUNDS (3), BENCH_CONNECTIONS (20), BENCH_STATUS
 * (FAILED: two e-mails per event; RUNNING: no outbox rows), BENCH_DELIVERY_EVENTS (700 churn
 * failures = 2,100 rows: two e-mails and one Slack post each), BENCH_PROFILE=1 (a --cpu-prof summary).
 * Targets: ingest ≥ 1,500 events/s or ≥ 0.6 × the baseline; delivery ≥ 200 notifications/s.
 *
 * Ingest: the app (`node dist/src/main.js`, outbox worker off) with Step Functions answering
 * GetExecutionHistory (the fake, in the bench's process, knows every execution); autocannon in a child
 * process POSTs distinct EventBridge events (unique id and execution); "durable" = answered 202, which
 * comes only after the commit; rows are counted afterwards. Baseline: bare Fastify in its own process
 * parsing the same bodies and answering 202, under the same load, rounds alternating.
 * Delivery: the outbox of a fresh database is filled with the worker off, then an instance with the
 * worker drains it to aws-ses-v2-local and a Slack sink in another child process.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { StepFunctionsFake, failedRunHistory } from '../test/fakes/aws/step-functions-fake';
import { PROJECTS_DIR } from '../test/fixtures/events/app-env';
import { makeSfnEvent } from '../test/fixtures/events/factories';
import { withDatabase } from '../test/helpers/test-database';
import { startBenchApp } from './support/bench-app';
import { startBaseline } from './support/baseline';
import { alternate, fmtRps, loadEvents, median, ratioOf } from './support/load';
import { profileSummary, windowed } from './support/profile';
import { recordTarget, say } from './support/results';

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const DURATION_S = num('BENCH_DURATION_S', 5);
const ROUNDS = num('BENCH_ROUNDS', 3);
const CONNECTIONS = num('BENCH_CONNECTIONS', 20);
const STATUS = process.env.BENCH_STATUS ?? 'FAILED';
const DELIVERY_EVENTS = num('BENCH_DELIVERY_EVENTS', 700);
const PROFILE = process.env.BENCH_PROFILE === '1';
const BASELINE = 'bare Fastify 5 (its JSON parser, 256 KiB limit): the key looked up in memory, the same bodies parsed and answered 202 { accepted, duplicate, ignored }';

interface Sinks {
  ses: string;
  slack: string;
  child: ChildProcess;
}

async function startSinks(): Promise<Sinks> {
  const child = spawn(process.execPath, [join(__dirname, 'support', 'events-load.mjs'), 'sinks'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString()));
    child.once('exit', (code) => reject(new Error(`sinks exited with ${code}`)));
  });
  return { ...(JSON.parse(line) as { ses: string; slack: string }), child };
}

const appEnv = (sinks: Sinks, sfn: StepFunctionsFake, workerEnabled: boolean) => ({
  PROJECTS_DIR,
  NOTIFY_FROM: 'modelgate@rentcars.com',
  AWS_ENDPOINT_URL_SES: sinks.ses,
  AWS_ENDPOINT_URL_SFN: sfn.endpoint,
  SLACK_WEBHOOKS: JSON.stringify({ 'ml-alerts': `${sinks.slack}/hooks/ml-alerts`, 'ml-pipelines': `${sinks.slack}/hooks/ml-pipelines` }),
  NOTIFY_WORKER_ENABLED: String(workerEnabled),
  NOTIFY_POLL_INTERVAL_MS: '200',
});

const count = (databaseUrl: string, sql: string) => withDatabase(databaseUrl, async (db) => Number((await db.query<{ n: string }>(sql)).rows[0].n));

describe('pipeline events benchmark', () => {
  let sinks: Sinks;
  let sfn: StepFunctionsFake;

  beforeAll(async () => {
    sinks = await startSinks();
    sfn = await StepFunctionsFake.start();
    sfn.answerAnyExecution(failedRunHistory());
  });
  afterAll(async () => {
    sinks?.child.kill('SIGTERM');
    await sfn?.close();
  });

  async function ingestPair(profile: boolean) {
    const app = await startBenchApp({ env: appEnv(sinks, sfn, false), cpuProf: profile });
    const key = await app.createKey('bench-events', ['events']);
    const baseline = await startBaseline({ keys: { [key]: { name: 'bench-events', roles: ['events'] } } }, profile);
    const opts = { key, connections: CONNECTIONS, durationS: DURATION_S, project: 'recsys', status: STATUS };
    return {
      app,
      baseline,
      ingest: () => loadEvents(app.url, opts),
      parse: () => loadEvents(baseline.url, opts),
      warm: async () => {
        await loadEvents(app.url, { ...opts, durationS: 2 });
        await loadEvents(baseline.url, { ...opts, durationS: 2 });
      },
    };
  }

  it('measures the durable ingest rate', async () => {
    const p = await ingestPair(false);
    const asked = sfn.callsOf('GetExecutionHistory').length;
    try {
      await p.warm();
      const r = await alternate(ROUNDS, { ingest: p.ingest, parse: p.parse });
      await new Promise((resolve) => setTimeout(resolve, 4000)); // lookups after the commit, bounded by 3 s
      const accepted = [...r.ingest].reduce((n, x) => n + (x.statuses?.['202'] ?? 0), 0);
      const stored = await count(p.app.databaseUrl, 'SELECT count(*) AS n FROM pipeline_events');
      const queued = await count(p.app.databaseUrl, 'SELECT count(*) AS n FROM outbox');
      const withStep = await count(p.app.databaseUrl, `SELECT count(*) AS n FROM outbox WHERE payload->'notice' ? 'failed_state'`);
      const rate = median(r.ingest.map((x) => x.requestsPerSecond));
      const { ratio, rounds } = ratioOf(r.ingest, r.parse);
      const p99 = Math.max(...r.ingest.map((x) => x.p99Ms));
      const others = r.ingest.map((x) => Object.entries(x.statuses ?? {}).filter(([c]) => c !== '202')).flat();
      say(
        '',
        `ingest: POST /events/eventbridge, distinct ${STATUS} events, ${CONNECTIONS} connections, ${ROUNDS} × ${DURATION_S} s alternating; baseline: ${BASELINE}`,
        `  modelgate ${Math.round(rate)} events/s durable (p99 ≤ ${p99} ms)  baseline ${fmtRps(r.parse)}  ratio ${ratio.toFixed(2)} (rounds ${rounds.map((x) => x.toFixed(2)).join(', ')})`,
        `  ${accepted} accepted after warm-up, ${stored} events stored, ${queued} outbox rows (${withStep} naming the failing step), ` +
          `${sfn.callsOf('GetExecutionHistory').length - asked} GetExecutionHistory calls; other answers: ${JSON.stringify(others)}`,
      );
      recordTarget({
        order: 3,
        measure: `durable ingest POST /events/eventbridge (distinct ${STATUS} events, 2 outbox rows each, ${CONNECTIONS} connections, Step Functions answering)`,
        baseline: BASELINE,
        measured: `${Math.round(rate).toLocaleString('en-US')} events/s; ${ratio.toFixed(2)} × baseline (${fmtRps(r.parse)})`,
        target: '≥ 1,500/s, or ≥ 0.6 × baseline',
        met: rate >= 1500 || ratio >= 0.6,
      });
      expect(stored).toBeGreaterThanOrEqual(accepted);
    } finally {
      await p.baseline.stop();
      await p.app.stop();
    }
    if (PROFILE) {
      const q = await ingestPair(true);
      await q.warm();
      const a = await windowed(q.ingest);
      const b = await windowed(q.parse);
      say('', 'ingest: CPU per request by package (--cpu-prof):', await profileSummary({ process: q.app, load: a }, { process: q.baseline, load: b }));
    }
  });

  it('measures the outbox delivery rate to local SES and Slack', async () => {
    const filler = await startBenchApp({ env: appEnv(sinks, sfn, false) });
    const databaseUrl = filler.databaseUrl;
    try {
      for (let i = 0; i < DELIVERY_EVENTS; i += 50) {
        await Promise.all(
          Array.from({ length: Math.min(50, DELIVERY_EVENTS - i) }, async (_, j) => {
            const res = await fetch(`${filler.url}/events/eventbridge`, {
              method: 'POST',
              headers: { authorization: `Bearer ${filler.adminKey}`, 'content-type': 'application/json' },
              body: JSON.stringify(makeSfnEvent({ project: 'churn', status: 'FAILED', execution: `deliver-${i + j}` })),
            });
            if (res.status !== 202) throw new Error(`ingest answered ${res.status}`);
          }),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 4000)); // every row released (failing step looked up)
    } finally {
      await filler.stop();
    }
    const rows = await count(databaseUrl, `SELECT count(*) AS n FROM outbox WHERE status = 'pending'`);

    const started = Date.now();
    const worker = await startBenchApp({ env: appEnv(sinks, sfn, true), databaseUrl });
    try {
      const deadline = Date.now() + 5 * 60 * 1000;
      while ((await count(databaseUrl, `SELECT count(*) AS n FROM outbox WHERE status = 'pending'`)) > 0) {
        if (Date.now() > deadline) throw new Error('the outbox did not drain in 5 minutes');
        await new Promise((r) => setTimeout(r, 100));
      }
      const wallS = (Date.now() - started) / 1000;
      const spanS = await withDatabase(databaseUrl, async (db) =>
        Number((await db.query<{ s: string }>(`SELECT extract(epoch FROM max(delivered_at) - min(delivered_at)) AS s FROM outbox`)).rows[0].s),
      );
      const delivered = await count(databaseUrl, `SELECT count(*) AS n FROM outbox WHERE status = 'delivered'`);
      say(
        '',
        `delivery: ${Math.round(delivered / spanS)} notifications/s (target ≥ 200); ${delivered} of ${rows} delivered ` +
          `(2 e-mails + 1 Slack post per event) in ${spanS.toFixed(2)} s of sending, ${wallS.toFixed(2)} s including the app's start`,
      );
      recordTarget({
        order: 6,
        measure: 'outbox delivery to local SES + Slack',
        baseline: 'none: notifications delivered per second, first to last',
        measured: `${Math.round(delivered / spanS)}/s`,
        target: '≥ 200/s',
        met: delivered / spanS >= 200,
      });
      expect(delivered).toBe(rows);
    } finally {
      await worker.stop();
    }
  });
});
