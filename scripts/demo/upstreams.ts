import startSesLocal from 'aws-ses-v2-local';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeMlflow } from '../../test/fakes/mlflow';
import { SlackSink } from '../../test/fakes/slack/slack-sink';

/** The slack:NAME channels the demo projects name; all go to the one sink. */
export const SLACK_CHANNELS = ['ml-alerts', 'ml-pipelines', 'ml-approvals'];

export interface DemoUpstreams {
  mlflow: FakeMlflow;
  slack: SlackSink;
  /** aws-ses-v2-local: SES endpoint, web page at `/`, JSON store at `/store`. */
  sesUrl: string;
  stop(): Promise<void>;
}

/**
 * MLflow seeded like the fixtures (recsys v1–v3 with their runs, all in None) plus churn-classifier
 * v1 in Production, v2 in Staging since 30 hours, validated and better than v1, and v3 in None (the
 * demo stages it behind modelgate's back once modelgate has seen the registry: see drift.ts).
 */
function seedMlflow(mlflow: FakeMlflow): void {
  mlflow.seed.recsysScenario('versions');
  const runOf = (runName: string, roc_auc: number, f1: number) => ({
    experimentName: 'churn',
    runName,
    userId: 'churn-bot',
    metrics: { roc_auc, f1 },
    params: { model_type: 'xgboost' },
    tags: { validation_status: 'passed' },
  });
  mlflow.seed.modelVersion({ name: 'churn-classifier', stage: 'Production', run: runOf('xgb-october', 0.86, 0.74) });
  const v2 = mlflow.seed.modelVersion({ name: 'churn-classifier', stage: 'Staging', run: runOf('xgb-november', 0.88, 0.76) });
  v2.lastUpdatedTimestamp = Date.now() - 30 * 3600_000; // min_hours_in_staging: 24 is met
  mlflow.seed.modelVersion({ name: 'churn-classifier', run: runOf('xgb-hand-tuned', 0.87, 0.75) });
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export async function startUpstreams(): Promise<DemoUpstreams> {
  const mlflow = await FakeMlflow.start();
  seedMlflow(mlflow);
  const slack = await SlackSink.start();
  const ses = await startSesLocal({ host: '127.0.0.1', port: 0 });
  const sesUrl = `http://127.0.0.1:${(ses.address() as AddressInfo).port}`;
  return {
    mlflow,
    slack,
    sesUrl,
    async stop() {
      await Promise.allSettled([mlflow.stop(), slack.close(), closeServer(ses)]);
    },
  };
}

interface StoredEmail {
  destination: { to: string[] };
  subject: string;
}

/** Prints each Slack post and e-mail as it arrives, so the demo shows what was sent without a UI. */
export function watchDeliveries(upstreams: DemoUpstreams, print: (line: string) => void): () => void {
  let slackSeen = 0;
  let mailSeen = 0;
  const tick = async () => {
    for (const post of upstreams.slack.posts.slice(slackSeen)) {
      const text = typeof post.body?.text === 'string' ? post.body.text : JSON.stringify(post.body).slice(0, 120);
      print(`[fake Slack #${post.channel}] ${text.split('\n')[0]}`);
    }
    slackSeen = upstreams.slack.posts.length;
    try {
      const res = await fetch(`${upstreams.sesUrl}/store`);
      const emails = ((await res.json()) as { emails: StoredEmail[] }).emails;
      for (const mail of emails.slice(mailSeen)) print(`[fake SES] to ${mail.destination.to.join(', ')}: ${mail.subject}`);
      mailSeen = emails.length;
    } catch {
      // stopping: the store is gone
    }
  };
  const timer = setInterval(() => void tick(), 500);
  return () => clearInterval(timer);
}
