import { AwsJsonError } from '../fakes/aws/aws-json-server';
import { EventBridgeFake } from '../fakes/aws/event-bridge-fake';
import { StepFunctionsFake } from '../fakes/aws/step-functions-fake';
import { refusedPortUrl } from '../fakes/gate/fake-gate-server';
import { makeSfnEvent } from '../fixtures/events/factories';
import { lines, runAdmin } from '../helpers/admin-cli';
import { TestApp, startTestApp } from '../helpers/test-app';

const ROLE = 'arn:aws:iam::123456789012:role/eventbridge-to-modelgate';
const OTHER_ROLE = 'arn:aws:iam::123456789012:role/someone-else';
const DLQ = 'arn:aws:sqs:us-east-1:123456789012:modelgate-events-dlq';
const PUBLIC_URL = 'https://modelgate.example.com';
const RULE = 'sfn-executions-to-modelgate';
/** A project whose config names its state machine: no lookup by name. */
const PRICING_ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:pricing-v2';
const arnOf = (name: string) => StepFunctionsFake.stateMachineArn(name);

const projectYaml = (name: string, extra = '') =>
  `project_name: ${name}\nversion: "1.0.0"\nschedule: { enabled: false }\nbatch: { pipeline: { steps: [{ id: run }] } }\n${extra}`;

describe('modelgate-admin provision-events', () => {
  let t: TestApp;
  let readerKey: string;
  let eventsKey: string;
  let eventBridge: EventBridgeFake;
  let sfn: StepFunctionsFake;

  /** Makes modelgate hold exactly these projects. */
  async function setProjects(...names: string[]): Promise<void> {
    const listed = await t.request('GET', '/projects', { query: { max_results: '1000' } });
    for (const { name } of listed.body.items as { name: string }[]) {
      if (!names.includes(name)) expect((await t.request('DELETE', `/projects/${name}`)).status).toBe(204);
    }
    for (const name of names) {
      const extra = name === 'pricing' ? `state_machine_arn: ${PRICING_ARN}\n` : '';
      const put = await t.request('PUT', `/projects/${name}`, { raw: { payload: projectYaml(name, extra), contentType: 'application/yaml' } });
      expect([200, 201]).toContain(put.status);
    }
  }

  const env = (extra: Record<string, string> = {}) => ({
    MODELGATE_URL: t.baseUrl!,
    MODELGATE_API_KEY: readerKey,
    MODELGATE_EVENTS_KEY: eventsKey,
    AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.endpoint,
    AWS_ENDPOINT_URL_SFN: sfn.endpoint,
    ...extra,
  });
  const provision = (args: string[] = [], extra: Record<string, string> = {}) =>
    runAdmin(['provision-events', '--url', PUBLIC_URL, '--role-arn', ROLE, ...args], env(extra), [eventsKey, readerKey]);
  /** EventBridge calls that change something. */
  const writes = () => eventBridge.calls.filter((c) => /^(Create|Update|Put|Delete|Remove)/.test(c.operation) && c.operation !== 'PutEvents').map((c) => c.operation);
  const resources = () => eventBridge.resources;

  beforeAll(async () => {
    t = await startTestApp({ listen: true });
    readerKey = await t.createKey('ops-reader', ['reader']);
    eventsKey = await t.createKey('eventbridge', ['events']);
  });
  afterAll(() => t.close());

  beforeEach(async () => {
    eventBridge = await EventBridgeFake.start();
    sfn = await StepFunctionsFake.start();
    // Enough state machines that the projects' ones sit on ListStateMachines' second page.
    for (let i = 0; i < 1000; i++) sfn.addStateMachine(`other-${i}`);
    for (const name of ['recsys-workflow', 'churn-workflow', 'fraud-workflow']) sfn.addStateMachine(name);
    await setProjects('recsys', 'churn', 'pricing');
  });
  afterEach(async () => {
    await eventBridge.close();
    await sfn.close();
  });

  it('creates the connection, API destination, rule and target, which deliver an event modelgate accepts', async () => {
    const run = await provision(['--url', `${t.baseUrl}/`]);
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toEqual([
      'connection modelgate: created',
      'api destination modelgate-events: created',
      `rule ${RULE}: created`,
      `target ${RULE}/modelgate: created`,
    ]);
    expect(sfn.callsOf('ListStateMachines')).toHaveLength(2);

    const connection = resources().connections.get('modelgate')!;
    expect(connection).toMatchObject({ AuthorizationType: 'API_KEY', apiKey: { name: 'X-API-Key', value: eventsKey } });
    const destination = resources().apiDestinations.get('modelgate-events')!;
    expect(destination).toMatchObject({
      ConnectionArn: connection.ConnectionArn,
      InvocationEndpoint: `${t.baseUrl}/events/eventbridge`,
      HttpMethod: 'POST',
      InvocationRateLimitPerSecond: 100,
    });
    const rule = resources().rule(RULE)!;
    expect(rule.State).toBe('ENABLED');
    expect(JSON.parse(rule.EventPattern)).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: {
        status: ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'],
        stateMachineArn: [arnOf('churn-workflow'), PRICING_ARN, arnOf('recsys-workflow')].sort(),
      },
    });
    expect([...rule.targets.values()]).toEqual([
      { Id: 'modelgate', Arn: destination.ApiDestinationArn, RoleArn: ROLE, RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 } },
    ]);

    // Deliver as EventBridge would: the destination's method and endpoint, the connection's header.
    const event = makeSfnEvent({ project: 'recsys', status: 'SUCCEEDED' });
    const res = await fetch(destination.InvocationEndpoint, {
      method: destination.HttpMethod,
      headers: { [connection.apiKey.name!]: connection.apiKey.value!, 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    expect(res.status).toBe(202);
  });

  it('changes nothing the second time', async () => {
    expect((await provision()).code).toBe(0);
    const written = writes().length;
    const second = await provision();
    expect(second.code).toBe(0);
    expect(lines(second.stdout)).toEqual([
      'connection modelgate: unchanged',
      'api destination modelgate-events: unchanged',
      `rule ${RULE}: unchanged`,
      `target ${RULE}/modelgate: unchanged`,
    ]);
    expect(writes()).toHaveLength(written);
  });

  it('compares event patterns by meaning: another key order or list order is unchanged', async () => {
    expect((await provision()).code).toBe(0);
    const rule = resources().rule(RULE)!;
    const pattern = JSON.parse(rule.EventPattern);
    rule.EventPattern = JSON.stringify({
      detail: { stateMachineArn: [...pattern.detail.stateMachineArn].reverse(), status: [...pattern.detail.status].reverse() },
      'detail-type': pattern['detail-type'],
      source: pattern.source,
    });
    const run = await provision();
    expect(lines(run.stdout)[2]).toBe(`rule ${RULE}: unchanged`);
    rule.EventPattern = JSON.stringify({ ...pattern, detail: { ...pattern.detail, status: ['FAILED'] } });
    expect(lines((await provision()).stdout)[2]).toBe(`rule ${RULE}: updated: event pattern`);
    expect(JSON.parse(resources().rule(RULE)!.EventPattern)).toEqual(pattern);
  });

  it('adds a new project to the rule and removes a deleted one, touching nothing else', async () => {
    expect((await provision()).code).toBe(0);
    const before = writes().length;
    await setProjects('recsys', 'pricing', 'fraud');
    const run = await provision();
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toEqual([
      'connection modelgate: unchanged',
      'api destination modelgate-events: unchanged',
      `rule ${RULE}: updated: state machines added fraud-workflow, removed churn-workflow`,
      `target ${RULE}/modelgate: unchanged`,
    ]);
    expect(writes().slice(before)).toEqual(['PutRule']);
    expect(resources().ruleStateMachines(RULE)).toEqual([arnOf('fraud-workflow'), PRICING_ARN, arnOf('recsys-workflow')].sort());
  });

  it('disables the rule when no project is left (an empty list is no valid pattern), and enables it again', async () => {
    await setProjects();
    const none = await provision();
    expect(none.code).toBe(0);
    expect(lines(none.stdout).slice(2)).toEqual([`rule ${RULE}: skipped (no project's state machine is known)`, `target ${RULE}/modelgate: skipped (no rule)`]);
    expect(resources().rule(RULE)).toBeUndefined();
    await setProjects('recsys');
    expect((await provision()).code).toBe(0);
    await setProjects();
    const emptied = await provision();
    expect(lines(emptied.stdout)[2]).toBe(`rule ${RULE}: updated: state ENABLED → DISABLED (disabled: no project's state machine is known)`);
    expect(resources().rule(RULE)!.State).toBe('DISABLED');
    expect(lines((await provision()).stdout)[2]).toBe(`rule ${RULE}: unchanged (disabled: no project's state machine is known)`);
    await setProjects('churn');
    expect(lines((await provision()).stdout)[2]).toBe(`rule ${RULE}: updated: state machines added churn-workflow, removed recsys-workflow; state DISABLED → ENABLED`);
  });

  it('puts back what was changed by hand: rate limit, role, retry policy; and adds the DLQ when given', async () => {
    expect((await provision()).code).toBe(0);
    resources().apiDestinations.get('modelgate-events')!.InvocationRateLimitPerSecond = 10;
    const target = resources().rule(RULE)!.targets.get('modelgate')!;
    Object.assign(target, { RoleArn: OTHER_ROLE, RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 600 } });
    const run = await provision(['--dlq-arn', DLQ]);
    expect(run.code).toBe(0);
    expect(lines(run.stdout)).toEqual([
      'connection modelgate: unchanged',
      'api destination modelgate-events: updated: rate limit per second 10 → 100',
      `rule ${RULE}: unchanged`,
      `target ${RULE}/modelgate: updated: role ${OTHER_ROLE} → ${ROLE}; retry policy {"MaximumRetryAttempts":3,"MaximumEventAgeInSeconds":600} → {"MaximumRetryAttempts":185,"MaximumEventAgeInSeconds":86400}; dead-letter queue none → ${DLQ}`,
    ]);
    expect(resources().rule(RULE)!.targets.get('modelgate')).toMatchObject({ RoleArn: ROLE, DeadLetterConfig: { Arn: DLQ }, RetryPolicy: { MaximumRetryAttempts: 185 } });
    expect(resources().apiDestinations.get('modelgate-events')!.InvocationRateLimitPerSecond).toBe(100);
  });

  it('prints the plan as JSON on --dry-run and changes nothing', async () => {
    const first = await provision(['--dry-run']);
    expect(first.code).toBe(0);
    expect(writes()).toEqual([]);
    const plan = JSON.parse(first.stdout);
    expect(plan.dry_run).toBe(true);
    expect(plan.resources.map((r: any) => [r.resource, r.name, r.action])).toEqual([
      ['connection', 'modelgate', 'create'],
      ['api_destination', 'modelgate-events', 'create'],
      ['rule', RULE, 'create'],
      ['target', `${RULE}/modelgate`, 'create'],
    ]);
    expect(plan.resources[1].changes).toContainEqual({ field: 'invocation_endpoint', to: `${PUBLIC_URL}/events/eventbridge` });

    expect((await provision()).code).toBe(0);
    const written = writes().length;
    await setProjects('recsys', 'churn', 'pricing', 'fraud');
    const second = JSON.parse((await provision(['--dry-run', '--rate-limit', '50'])).stdout);
    expect(second.resources.map((r: any) => r.action)).toEqual(['unchanged', 'update', 'update', 'unchanged']);
    expect(second.resources[1].changes).toEqual([{ field: 'invocation_rate_limit_per_second', from: 100, to: 50 }]);
    expect(second.resources[2].changes).toEqual([{ field: 'state_machine_arns', added: [arnOf('fraud-workflow')], removed: [] }]);
    expect(writes()).toHaveLength(written);
    expect(resources().ruleStateMachines(RULE)).not.toContain(arnOf('fraud-workflow'));
  });

  it('writes a new events key only on --rotate-key, never printing either key', async () => {
    expect((await provision()).code).toBe(0);
    const newKey = await t.createKey('eventbridge-2', ['events']);
    const plain = await runAdmin(['provision-events', '--url', PUBLIC_URL, '--role-arn', ROLE], env({ MODELGATE_EVENTS_KEY: newKey }), [newKey, eventsKey, readerKey]);
    expect(lines(plain.stdout)[0]).toBe('connection modelgate: unchanged');
    expect(resources().connections.get('modelgate')!.apiKey.value).toBe(eventsKey);
    const rotated = await runAdmin(
      ['provision-events', '--url', PUBLIC_URL, '--role-arn', ROLE, '--rotate-key', '--events-key', newKey, '--json'],
      env({ MODELGATE_EVENTS_KEY: '' }),
      [newKey, eventsKey, readerKey],
    );
    expect(rotated.code).toBe(0);
    const result = JSON.parse(rotated.stdout);
    expect(result.resources[0]).toMatchObject({ resource: 'connection', action: 'updated', changes: [{ field: 'api_key', to: '[written, not shown]' }] });
    expect(result.resources.slice(1).map((r: any) => r.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(resources().connections.get('modelgate')!.apiKey.value).toBe(newKey);
  });

  it('redacts the events key should AWS echo it in a refusal, and exits 1 with AWS message', async () => {
    eventBridge.failNext(1, { error: new AwsJsonError('ValidationException', `Value '${eventsKey}' at 'authParameters' failed to satisfy constraint`) }, 'CreateConnection');
    const run = await provision();
    expect(run.code).toBe(1);
    expect(lines(run.stdout)).toEqual([
      "connection modelgate: failed: AWS refused CreateConnection: ValidationException: Value '[redacted]' at 'authParameters' failed to satisfy constraint",
    ]);
    expect(writes()).toEqual(['CreateConnection']);
  });

  it('exits 1 with AWS message when a call is refused, having done what came before; a rerun finishes', async () => {
    const denied = 'User: arn:aws:iam::123456789012:user/ops is not authorized to perform: events:PutRule on resource: sfn-executions-to-modelgate';
    eventBridge.failNext(1, { error: new AwsJsonError('AccessDeniedException', denied) }, 'PutRule');
    const run = await provision();
    expect(run.code).toBe(1);
    expect(lines(run.stdout)).toEqual([
      'connection modelgate: created',
      'api destination modelgate-events: created',
      `rule ${RULE}: failed: AWS refused PutRule: AccessDeniedException: ${denied}`,
    ]);
    expect(resources().rule(RULE)).toBeUndefined();
    const rerun = await provision();
    expect(rerun.code).toBe(0);
    expect(lines(rerun.stdout).slice(1)).toEqual(['api destination modelgate-events: unchanged', `rule ${RULE}: created`, `target ${RULE}/modelgate: created`]);
  });

  it('reports a project whose state machine is not found as missing, provisions the rest and exits 1', async () => {
    await setProjects('recsys', 'ghost');
    const run = await provision();
    expect(run.code).toBe(1);
    expect(lines(run.stdout)).toEqual([
      'missing: ghost (no state machine named ghost-workflow)',
      'connection modelgate: created',
      'api destination modelgate-events: created',
      `rule ${RULE}: created`,
      `target ${RULE}/modelgate: created`,
    ]);
    expect(resources().ruleStateMachines(RULE)).toEqual([arnOf('recsys-workflow')]);
  });

  it('exits 2 without calling AWS when modelgate cannot be reached, and 2 when AWS cannot', async () => {
    const down = await provision([], { MODELGATE_URL: await refusedPortUrl() });
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/cannot reach modelgate at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
    expect(down.stdout).toBe('');
    expect(eventBridge.calls).toEqual([]);
    const awsDown = await provision([], { AWS_ENDPOINT_URL_EVENTBRIDGE: await refusedPortUrl() });
    expect(awsDown.code).toBe(2);
    expect(awsDown.stderr).toContain('could not reach AWS for DescribeConnection');
  });

  it('refuses plain http off loopback and a missing events key before changing anything (exit 2)', async () => {
    const http = await runAdmin(['provision-events', '--url', 'http://modelgate.example.com', '--role-arn', ROLE], env(), [eventsKey, readerKey]);
    expect(http.code).toBe(2);
    expect(http.stderr).toContain('--url must use https');
    const noKey = await provision([], { MODELGATE_EVENTS_KEY: '' });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('connection modelgate must be created, which writes the events key: set MODELGATE_EVENTS_KEY');
    expect(writes()).toEqual([]);
  });
});
