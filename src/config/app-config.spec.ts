import { ConfigError, loadConfig } from './app-config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults (docs/configuration.md) to an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      databaseUrl: undefined,
      databasePoolSize: 10,
      mlflow: { trackingUri: 'http://127.0.0.1:5000', timeoutMs: 5000 },
      slackWebhooks: {},
      notifyFrom: undefined,
      eventBusName: undefined,
      reconcileIntervalS: 300,
      notifyMaxAttempts: 8,
      retentionDays: 90,
      driftCheckIntervalS: 60,
    });
    expect(config.dataDir).toMatch(/\.modelgate$/);
  });

  it('reads every variable it is given', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgres://u:p@db:5432/mg',
      MLFLOW_TRACKING_URI: 'https://mlflow.example.com/prefix/',
      MLFLOW_TRACKING_USERNAME: 'u',
      MLFLOW_TRACKING_PASSWORD: 'p',
      SLACK_WEBHOOKS: '{"ml-alerts":"https://hooks.slack.com/services/T/B/X"}',
      NOTIFY_FROM: 'modelgate@rentcars.com',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_ENDPOINT_URL_SES: 'http://127.0.0.1:8005',
      RECONCILE_INTERVAL_S: '60',
      DRIFT_CHECK_INTERVAL_S: '15',
    });
    expect(config.port).toBe(8080);
    expect(config.slackWebhooks).toEqual({ 'ml-alerts': 'https://hooks.slack.com/services/T/B/X' });
    expect(config.aws.endpoints).toEqual({
      ses: 'http://127.0.0.1:8005',
      sfn: 'http://127.0.0.1:4566',
      eventbridge: 'http://127.0.0.1:4566',
    });
    expect(config.reconcileIntervalS).toBe(60);
    expect(config.driftCheckIntervalS).toBe(15);
  });

  it('names every bad variable in one error, without echoing values', () => {
    const problems = problemsOf({
      PORT: 'abc',
      MLFLOW_TRACKING_URI: 'not a url',
      SLACK_WEBHOOKS: '{bad json',
      NOTIFY_FROM: 'nobody',
      NOTIFY_MAX_ATTEMPTS: '0',
      ADMIN_API_KEY: 'short',
      DRIFT_CHECK_INTERVAL_S: '0',
    });
    const named = problems.map((p) => p.split(':')[0]);
    expect(named.sort()).toEqual(
      ['ADMIN_API_KEY', 'DRIFT_CHECK_INTERVAL_S', 'MLFLOW_TRACKING_URI', 'NOTIFY_FROM', 'NOTIFY_MAX_ATTEMPTS', 'PORT', 'SLACK_WEBHOOKS'].sort(),
    );
    expect(problems.join('\n')).not.toContain('short');
  });

  it('refuses webhook maps whose values are not URLs', () => {
    expect(problemsOf({ SLACK_WEBHOOKS: '{"ml-alerts":"not-a-url"}' })[0]).toMatch(/^SLACK_WEBHOOKS/);
    expect(problemsOf({ SLACK_WEBHOOKS: '["https://x"]' })[0]).toMatch(/^SLACK_WEBHOOKS/);
  });

  it('refuses half of a basic-auth pair', () => {
    expect(problemsOf({ MLFLOW_TRACKING_USERNAME: 'u' })).toEqual([
      'MLFLOW_TRACKING_PASSWORD: required when MLFLOW_TRACKING_USERNAME is set',
    ]);
  });

  it('reads the outbox worker settings, refusing a non-boolean switch', () => {
    expect(loadConfig({}).outbox).toEqual({ workerEnabled: true, pollIntervalMs: 1000, retryBaseMs: 2000, sendTimeoutMs: 10000 });
    expect(loadConfig({ NOTIFY_WORKER_ENABLED: 'false', NOTIFY_POLL_INTERVAL_MS: '50' }).outbox).toMatchObject({ workerEnabled: false, pollIntervalMs: 50 });
    expect(problemsOf({ NOTIFY_WORKER_ENABLED: 'yes' })[0]).toMatch(/^NOTIFY_WORKER_ENABLED/);
  });

  it('reads DATABASE_POOL_SIZE between 2 and 100', () => {
    expect(loadConfig({ DATABASE_POOL_SIZE: '25' }).databasePoolSize).toBe(25);
    for (const bad of ['1', '101', 'ten']) expect(problemsOf({ DATABASE_POOL_SIZE: bad })).toEqual(['DATABASE_POOL_SIZE: must be an integer between 2 and 100']);
  });

  it('reads MLFLOW_WEBHOOK_SECRET byte for byte (MLflow signs with it as given); unset or blank is none', () => {
    expect(loadConfig({}).mlflowWebhookSecret).toBeUndefined();
    expect(loadConfig({ MLFLOW_WEBHOOK_SECRET: '  ' }).mlflowWebhookSecret).toBeUndefined();
    expect(loadConfig({ MLFLOW_WEBHOOK_SECRET: 's3cr3t ' }).mlflowWebhookSecret).toBe('s3cr3t ');
  });

  it('reads PUBLIC_URL without its trailing slash, and refuses one that is not http(s)', () => {
    expect(loadConfig({}).publicUrl).toBeUndefined();
    expect(loadConfig({ PUBLIC_URL: 'https://modelgate.rentcars.com/' }).publicUrl).toBe('https://modelgate.rentcars.com');
    expect(problemsOf({ PUBLIC_URL: 'modelgate.rentcars.com' })[0]).toMatch(/^PUBLIC_URL: must be an http\(s\) URL/);
  });

  it('reads SLACK_SIGNING_SECRET as given; unset or blank is none', () => {
    expect(loadConfig({}).slackSigningSecret).toBeUndefined();
    expect(loadConfig({ SLACK_SIGNING_SECRET: ' ' }).slackSigningSecret).toBeUndefined();
    expect(loadConfig({ SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99yyyzzz85a5' }).slackSigningSecret).toBe('8f742231b10e8888abcd99yyyzzz85a5');
  });

  it('refuses a DATABASE_URL that is not PostgreSQL', () => {
    expect(problemsOf({ DATABASE_URL: 'mysql://x' })[0]).toMatch(/^DATABASE_URL/);
  });
});
