import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { createApp } from '../src/app.factory';
import { LogLevel, loadConfig } from '../src/config/app-config';
import type { RunningDatabase } from '../src/database/embedded-postgres';
import { createRootLogger } from '../src/logging/logger';
import { startDemoDatabase } from './demo/database';
import { stageByHandAtStart } from './demo/drift';
import { DEMO_WARNING, DemoKeys, banner, instructions, writeEnvFile } from './demo/instructions';
import { DemoUpstreams, SLACK_CHANNELS, startUpstreams, watchDeliveries } from './demo/upstreams';

/** Compiled to dist-demo/scripts/demo.js; the repository is two folders up. */
const ROOT = resolve(__dirname, '..', '..');
const DATA_DIR = join(ROOT, '.modelgate-demo');
const PROJECTS_DIR = join(ROOT, 'demo', 'projects');
const FAILED_EVENT = join(ROOT, 'test', 'fixtures', 'events', 'sfn-failed.json');
const CONSOLE_DIR = join(ROOT, 'dist', 'console');
const STOP_GRACE_MS = 20_000;

const print = (line: string) => process.stdout.write(`${line}\n`);

/** The demo's own knobs (it is not the service: it reads its environment itself). */
const wantedPort = Number(process.env.DEMO_PORT ?? 3000);
const logLevel = (process.env.LOG_LEVEL ?? 'warn') as LogLevel;

/** A port nothing listens on now (the console's links need it before modelgate starts). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });
}

/** The AWS SDK signs requests to the local SES with these; real credentials must never be used here. */
function useDummyAwsCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID = 'AKIAMODELGATEDEMO000';
  process.env.AWS_SECRET_ACCESS_KEY = 'modelgate-demo-secret-not-real';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
}

async function createKeys(baseUrl: string, adminKey: string): Promise<DemoKeys> {
  const create = async (name: string, roles: string[]) => {
    const res = await fetch(`${baseUrl}/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name, roles }),
    });
    if (res.status !== 201) throw new Error(`could not create the demo key ${name}: HTTP ${res.status} ${await res.text()}`);
    return ((await res.json()) as { key: string }).key;
  };
  return {
    ADMIN_KEY: adminKey,
    READER_KEY: await create('dashboard', ['reader']),
    PROMOTER_KEY: await create('alice', ['promoter']),
    APPROVER_KEY: await create('bob', ['approver']),
    APPROVER2_KEY: await create('carol', ['approver']),
    CI_KEY: await create('ci-github', ['ci']),
    EVENTS_KEY: await create('eventbridge', ['events']),
  };
}

async function main(): Promise<void> {
  print(banner());
  useDummyAwsCredentials();
  mkdirSync(DATA_DIR, { recursive: true, mode: 0o700 });
  const logger = createRootLogger(logLevel);
  let upstreams: DemoUpstreams | undefined;
  let database: RunningDatabase | undefined;
  let app: NestFastifyApplication | undefined;
  let stopWatching = () => undefined as void;

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    print('\nstopping the demo…');
    setTimeout(() => process.exit(1), STOP_GRACE_MS).unref();
    stopWatching();
    await app?.close().catch((err) => logger.error({ err }, 'modelgate did not close cleanly'));
    await upstreams?.stop();
    await database?.stop().catch((err) => logger.error({ err }, 'PostgreSQL did not stop cleanly'));
    print('demo stopped');
    process.exit(code);
  };
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));

  try {
    upstreams = await startUpstreams();
    print('starting the embedded PostgreSQL in .modelgate-demo/pg (the first run initialises it: a few seconds)…');
    database = await startDemoDatabase(DATA_DIR, logger);
    const port = (await portIsFree(wantedPort)) ? wantedPort : await freePort();
    if (port !== wantedPort) print(`port ${wantedPort} is taken: listening on ${port} instead (DEMO_PORT chooses one)`);
    const adminKey = `mg_demo_admin_${randomBytes(16).toString('hex')}`;
    const config = loadConfig({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      MODELGATE_DATA_DIR: DATA_DIR,
      LOG_LEVEL: logLevel,
      ADMIN_API_KEY: adminKey,
      MLFLOW_TRACKING_URI: upstreams.mlflow.url,
      PROJECTS_DIR,
      SLACK_WEBHOOKS: JSON.stringify(Object.fromEntries(SLACK_CHANNELS.map((c) => [c, upstreams!.slack.webhookUrl(c)]))),
      NOTIFY_FROM: 'modelgate-demo@rentcars.com',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_SES: upstreams.sesUrl,
      // No Step Functions here: a closed loopback port fails at once instead of reaching AWS.
      AWS_ENDPOINT_URL_SFN: 'http://127.0.0.1:9',
      NOTIFY_POLL_INTERVAL_MS: '500',
      // Approver notices link to the console's promotion pages; npm run demo builds the console first.
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      CONSOLE_DIR,
    });
    app = await createApp(config, database.url, logger);
    await app.listen(config.port, config.host);
    const address = app.getHttpServer().address();
    const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : config.port}`;
    const keys = await createKeys(baseUrl, adminKey);
    print('moving churn-classifier v3 to Staging in the fake MLflow, not through modelgate: a drift for the console…');
    await stageByHandAtStart(app, upstreams.mlflow);
    const facts = {
      baseUrl,
      mlflowUrl: upstreams.mlflow.url,
      sesUrl: upstreams.sesUrl,
      keys,
      projectsDir: PROJECTS_DIR,
      failedEventFile: FAILED_EVENT,
      envFile: join(DATA_DIR, 'env.sh'),
      root: ROOT,
    };
    print(instructions(facts, writeEnvFile(facts)));
    print(DEMO_WARNING);
    stopWatching = watchDeliveries(upstreams, print);
  } catch (err) {
    logger.fatal({ err }, 'the demo could not start');
    await stop(1);
  }
}

void main();
