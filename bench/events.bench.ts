/**
 * Pipeline events benchmark: durable ingest rate and outbox delivery rate. Not part of `npm test`.
 *
 *   npx jest -c bench/events.jest.config.js
 *
 * Knobs (environment): BENCH_DURATION_S (10), BENCH_CONNECTIONS (16; the app's pool has 10),
 * BENCH_STATUS (FAILED: two e-mails per event; RUNNING: no outbox rows), BENCH_DELIVERY_EVENTS
 * (700 churn failures = 2,100 rows: two e-mails and one Slack post each), BENCH_LOG_LEVEL (info,
 * written to /dev/null). Targets: ingest ≥ 1,500 events/s, delivery ≥ 200 notifications/s, 2 cores.
 *
 * Ingest: the app (no outbox worker) listens on loopback; autocannon in a child process POSTs unique
 * EventBridge events; "durable" = answered 202, which comes only after the commit; the rows are
 * counted afterwards. The same load on GET /health/live is measured first, as this machine's floor.
 * Delivery: the outbox of a fresh database is filled with the worker off, then an instance with the
 * worker drains it to aws-ses-v2-local and a Slack sink in another child process.
 */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pino from 'pino';
import { createApp } from '../src/app.factory';
import { loadConfig } from '../src/config/app-config';
import { PROJECTS_DIR } from '../test/fixtures/events/app-env';
import { makeSfnEvent } from '../test/fixtures/events/factories';
import { createTestDatabase, withDatabase } from '../test/helpers/test-database';

const LOAD = join(__dirname, 'events.load.mjs');
const run = (script: string, mode: string, args: string) => promisify(execFile)(process.execPath, [script, mode, args], { maxBuffer: 1 << 20 });
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const DURATION_S = num('BENCH_DURATION_S', 10);
const CONNECTIONS = num('BENCH_CONNECTIONS', 16);
const STATUS = process.env.BENCH_STATUS ?? 'FAILED';
const DELIVERY_EVENTS = num('BENCH_DELIVERY_EVENTS', 700);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info';
const ADMIN_KEY = 'mg_bench_admin_key_0123456789abcdef';

interface Sinks {
  ses: string;
  slack: string;
  child: ChildProcess;
}

async function startSinks(): Promise<Sinks> {
  const child = spawn(process.execPath, [LOAD, 'sinks'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString()));
    child.once('exit', (code) => reject(new Error(`sinks exited with ${code}`)));
  });
  return { ...(JSON.parse(line) as { ses: string; slack: string }), child };
}

async function startApp(databaseUrl: string, sinks: Sinks, workerEnabled: boolean): Promise<NestFastifyApplication> {
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    ADMIN_API_KEY: ADMIN_KEY,
    MODELGATE_DATA_DIR: mkdtempSync(join(tmpdir(), 'modelgate-bench-')),
    LOG_LEVEL,
    MLFLOW_TRACKING_URI: 'http://127.0.0.1:9',
    PROJECTS_DIR,
    NOTIFY_FROM: 'modelgate@rentcars.com',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_SES: sinks.ses,
    SLACK_WEBHOOKS: JSON.stringify({ 'ml-alerts': `${sinks.slack}/hooks/ml-alerts`, 'ml-pipelines': `${sinks.slack}/hooks/ml-pipelines` }),
    NOTIFY_WORKER_ENABLED: String(workerEnabled),
    NOTIFY_POLL_INTERVAL_MS: '200',
  });
  const logger = pino({ level: LOG_LEVEL }, pino.destination({ dest: '/dev/null', sync: false }));
  const app = await createApp(config, databaseUrl, logger);
  await app.listen(0, '127.0.0.1');
  return app;
}

const urlOf = (app: NestFastifyApplication) => {
  const address = app.getHttpServer().address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
};

async function count(databaseUrl: string, sql: string): Promise<number> {
  return withDatabase(databaseUrl, async (db) => Number((await db.query<{ n: string }>(sql)).rows[0].n));
}

describe('pipeline events benchmark', () => {
  let sinks: Sinks;
  const report: string[] = [];

  beforeAll(async () => {
    sinks = await startSinks();
  });
  afterAll(() => {
    sinks?.child.kill('SIGTERM');
    // eslint-disable-next-line no-console
    console.log(['', `pipeline events benchmark (${cpus().length} cores, log level ${LOG_LEVEL})`, ...report].join('\n'));
  });

  it('measures the durable ingest rate', async () => {
    const databaseUrl = await createTestDatabase();
    const app = await startApp(databaseUrl, sinks, false);
    try {
      const created = await app.inject({
        method: 'POST',
        url: '/api-keys',
        headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ name: 'bench-events', roles: ['events'] }),
      });
      const key = (JSON.parse(created.body) as { key: string }).key;
      const args = JSON.stringify({ url: urlOf(app), key, durationS: DURATION_S, connections: CONNECTIONS, project: 'recsys', status: STATUS });
      const floor = JSON.parse((await run(LOAD, 'baseline', args)).stdout) as { requestsPerSecond: number };
      report.push(`baseline GET /health/live (no key, no database), same load: ${Math.round(floor.requestsPerSecond)} requests/s`);
      const { stdout } = await run(LOAD, 'ingest', args);
      const result = JSON.parse(stdout) as {
        statuses: Record<string, number>;
        durationS: number;
        latencyMs: { p50: number; p99: number; max: number };
        errors: number;
      };
      const accepted = result.statuses['202'] ?? 0;
      const stored = await count(databaseUrl, 'SELECT count(*) AS n FROM pipeline_events');
      const queued = await count(databaseUrl, 'SELECT count(*) AS n FROM outbox');
      const rate = accepted / result.durationS;
      report.push(
        `ingest (${STATUS}, ${CONNECTIONS} connections, ${result.durationS.toFixed(1)} s): ${Math.round(rate)} events/s durable ` +
          `(target ≥ 1500); ${accepted} accepted, ${stored} stored, ${queued} outbox rows; ` +
          `latency p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms; other answers ${JSON.stringify(result.statuses)}`,
      );
      expect(stored).toBeGreaterThanOrEqual(accepted);
      expect(result.errors).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('measures the outbox delivery rate to local SES and Slack', async () => {
    const databaseUrl = await createTestDatabase();
    const filler = await startApp(databaseUrl, sinks, false);
    try {
      for (let i = 0; i < DELIVERY_EVENTS; i += 50) {
        await Promise.all(
          Array.from({ length: Math.min(50, DELIVERY_EVENTS - i) }, (_, j) =>
            filler.inject({
              method: 'POST',
              url: '/events/eventbridge',
              headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
              payload: JSON.stringify(makeSfnEvent({ project: 'churn', status: 'FAILED', execution: `deliver-${i + j}` })),
            }),
          ),
        );
      }
    } finally {
      await filler.close();
    }
    const rows = await count(databaseUrl, `SELECT count(*) AS n FROM outbox WHERE status = 'pending'`);

    const started = Date.now();
    const worker = await startApp(databaseUrl, sinks, true);
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
      report.push(
        `delivery: ${Math.round(delivered / spanS)} notifications/s (target ≥ 200); ${delivered} of ${rows} delivered ` +
          `(2 e-mails + 1 Slack post per event) in ${spanS.toFixed(2)} s of sending, ${wallS.toFixed(2)} s including the app's start`,
      );
      expect(delivered).toBe(rows);
    } finally {
      await worker.close();
    }
  });
});
