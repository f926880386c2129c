import { randomUUID } from 'node:crypto';
import { AwsJsonError, AwsOperation, epochSeconds } from './aws-json-server';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const NAME = /^[.\-_A-Za-z0-9]{1,64}$/;

export interface FakeConnection {
  Name: string;
  ConnectionArn: string;
  AuthorizationType: string;
  /** Kept apart: DescribeConnection never answers it, as AWS keeps it in Secrets Manager. */
  apiKey: { name?: string; value?: string };
  ConnectionState: string;
  StateReason?: string;
  Description?: string;
  CreationTime: Date;
  LastModifiedTime: Date;
}

export interface FakeApiDestination {
  Name: string;
  ApiDestinationArn: string;
  ConnectionArn: string;
  InvocationEndpoint: string;
  HttpMethod: string;
  InvocationRateLimitPerSecond?: number;
}

export interface FakeRule {
  Name: string;
  Arn: string;
  EventBusName: string;
  EventPattern: string;
  State: string;
  Description?: string;
  targets: Map<string, Record<string, any>>;
}

const notFound = (message: string) => new AwsJsonError('ResourceNotFoundException', message);

/**
 * EventBridge's connections, API destinations, rules and targets, kept in memory with the checks AWS
 * makes that a caller could trip on. A connection is AUTHORIZING when created and AUTHORIZED once
 * described again, as AWS authorizes asynchronously.
 */
export class EventBridgeResources {
  readonly connections = new Map<string, FakeConnection>();
  readonly apiDestinations = new Map<string, FakeApiDestination>();
  /** Keyed by `${bus}/${name}`. */
  readonly rules = new Map<string, FakeRule>();
  readonly buses = new Set(['default']);

  get operations(): Record<string, AwsOperation> {
    return {
      CreateConnection: (b) => this.createConnection(b),
      UpdateConnection: (b) => this.updateConnection(b),
      DescribeConnection: (b) => this.describeConnection(b),
      CreateApiDestination: (b) => this.writeApiDestination(b, false),
      UpdateApiDestination: (b) => this.writeApiDestination(b, true),
      DescribeApiDestination: (b) => ({ ...this.apiDestination(b.Name), ApiDestinationState: 'ACTIVE' }),
      PutRule: (b) => this.putRule(b),
      DescribeRule: (b) => this.describeRule(b),
      ListTargetsByRule: (b) => this.listTargets(b),
      PutTargets: (b) => this.putTargets(b),
    };
  }

  rule(name: string, bus = 'default'): FakeRule | undefined {
    return this.rules.get(`${bus}/${name}`);
  }

  /** The state machine ARNs a rule's pattern matches. */
  ruleStateMachines(name: string, bus = 'default'): string[] {
    const rule = this.rule(name, bus);
    return rule ? [...(JSON.parse(rule.EventPattern).detail?.stateMachineArn ?? [])].sort() : [];
  }

  private createConnection(b: any) {
    if (!NAME.test(String(b.Name))) throw new AwsJsonError('ValidationException', `Invalid connection name '${b.Name}'`);
    if (this.connections.has(b.Name)) throw new AwsJsonError('ResourceAlreadyExistsException', `Connection ${b.Name} already exists.`);
    const auth = b.AuthParameters?.ApiKeyAuthParameters;
    if (b.AuthorizationType !== 'API_KEY' || !auth?.ApiKeyName || !auth?.ApiKeyValue) {
      throw new AwsJsonError('ValidationException', 'API_KEY authorization needs ApiKeyAuthParameters with ApiKeyName and ApiKeyValue');
    }
    const now = new Date();
    const c: FakeConnection = {
      Name: b.Name,
      ConnectionArn: `arn:aws:events:${REGION}:${ACCOUNT}:connection/${b.Name}/${randomUUID()}`,
      AuthorizationType: b.AuthorizationType,
      apiKey: { name: auth.ApiKeyName, value: auth.ApiKeyValue },
      ConnectionState: 'AUTHORIZING',
      Description: b.Description,
      CreationTime: now,
      LastModifiedTime: now,
    };
    this.connections.set(c.Name, c);
    return { ConnectionArn: c.ConnectionArn, ConnectionState: c.ConnectionState, CreationTime: epochSeconds(now), LastModifiedTime: epochSeconds(now) };
  }

  private connection(name: unknown): FakeConnection {
    const c = this.connections.get(String(name));
    if (!c) throw notFound(`Failed to describe the connection(s). Connection '${String(name)}' does not exist.`);
    return c;
  }

  private updateConnection(b: any) {
    const c = this.connection(b.Name);
    const auth = b.AuthParameters?.ApiKeyAuthParameters;
    if (b.AuthorizationType) c.AuthorizationType = b.AuthorizationType;
    if (auth?.ApiKeyName) c.apiKey.name = auth.ApiKeyName;
    if (auth?.ApiKeyValue) c.apiKey.value = auth.ApiKeyValue;
    c.ConnectionState = 'AUTHORIZING';
    c.StateReason = undefined;
    c.LastModifiedTime = new Date();
    return { ConnectionArn: c.ConnectionArn, ConnectionState: c.ConnectionState, LastModifiedTime: epochSeconds(c.LastModifiedTime) };
  }

  private describeConnection(b: any) {
    const c = this.connection(b.Name);
    const answer = {
      ConnectionArn: c.ConnectionArn,
      Name: c.Name,
      ...(c.Description ? { Description: c.Description } : {}),
      ConnectionState: c.ConnectionState,
      ...(c.StateReason ? { StateReason: c.StateReason } : {}),
      AuthorizationType: c.AuthorizationType,
      SecretArn: `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:events!connection/${c.Name}`,
      AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: c.apiKey.name } },
      CreationTime: epochSeconds(c.CreationTime),
      LastModifiedTime: epochSeconds(c.LastModifiedTime),
    };
    if (c.ConnectionState === 'AUTHORIZING') c.ConnectionState = 'AUTHORIZED';
    return answer;
  }

  private apiDestination(name: unknown): FakeApiDestination {
    const d = this.apiDestinations.get(String(name));
    if (!d) throw notFound(`Failed to describe the api-destination(s). An api-destination '${String(name)}' does not exist.`);
    return d;
  }

  private writeApiDestination(b: any, update: boolean) {
    if (!NAME.test(String(b.Name))) throw new AwsJsonError('ValidationException', `Invalid api destination name '${b.Name}'`);
    const existing = update ? this.apiDestination(b.Name) : undefined;
    if (!update && this.apiDestinations.has(b.Name)) throw new AwsJsonError('ResourceAlreadyExistsException', `An api-destination '${b.Name}' already exists.`);
    const connectionArn = b.ConnectionArn ?? existing?.ConnectionArn;
    if (![...this.connections.values()].some((c) => c.ConnectionArn === connectionArn)) throw notFound(`Connection '${connectionArn}' does not exist.`);
    if (b.InvocationRateLimitPerSecond !== undefined && (b.InvocationRateLimitPerSecond < 1 || b.InvocationRateLimitPerSecond > 300)) {
      throw new AwsJsonError('ValidationException', `1 validation error detected: Value '${b.InvocationRateLimitPerSecond}' at 'invocationRateLimitPerSecond' failed to satisfy constraint: Member must have value less than or equal to 300`);
    }
    const d: FakeApiDestination = {
      Name: b.Name,
      ApiDestinationArn: existing?.ApiDestinationArn ?? `arn:aws:events:${REGION}:${ACCOUNT}:api-destination/${b.Name}/${randomUUID()}`,
      ConnectionArn: connectionArn,
      InvocationEndpoint: b.InvocationEndpoint ?? existing?.InvocationEndpoint,
      HttpMethod: b.HttpMethod ?? existing?.HttpMethod,
      InvocationRateLimitPerSecond: b.InvocationRateLimitPerSecond ?? existing?.InvocationRateLimitPerSecond,
    };
    this.apiDestinations.set(d.Name, d);
    return { ApiDestinationArn: d.ApiDestinationArn, ApiDestinationState: 'ACTIVE' };
  }

  private bus(name: unknown): string {
    const bus = name === undefined ? 'default' : String(name);
    if (!this.buses.has(bus)) throw notFound(`Event bus ${bus} does not exist.`);
    return bus;
  }

  private putRule(b: any) {
    const bus = this.bus(b.EventBusName);
    if (!NAME.test(String(b.Name))) throw new AwsJsonError('ValidationException', `Invalid rule name '${b.Name}'`);
    checkPattern(b.EventPattern);
    const key = `${bus}/${b.Name}`;
    const rule: FakeRule = {
      Name: b.Name,
      Arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/${bus === 'default' ? '' : `${bus}/`}${b.Name}`,
      EventBusName: bus,
      EventPattern: b.EventPattern,
      State: b.State ?? 'ENABLED',
      Description: b.Description,
      targets: this.rules.get(key)?.targets ?? new Map(),
    };
    this.rules.set(key, rule);
    return { RuleArn: rule.Arn };
  }

  private ruleOf(name: unknown, busName: unknown): FakeRule {
    const bus = this.bus(busName);
    const rule = this.rules.get(`${bus}/${String(name)}`);
    if (!rule) throw notFound(`Rule ${String(name)} does not exist on EventBus ${bus}.`);
    return rule;
  }

  private describeRule(b: any) {
    const { targets: _targets, ...rule } = this.ruleOf(b.Name, b.EventBusName);
    return { ...rule, CreatedBy: ACCOUNT };
  }

  /** Pages of 2 unless `Limit` says otherwise (AWS: up to 100), so that a caller's paging is exercised. */
  private listTargets(b: any) {
    const targets = [...this.ruleOf(b.Rule, b.EventBusName).targets.values()];
    const offset = b.NextToken ? Number(b.NextToken) : 0;
    const size = b.Limit ?? 2;
    const page = targets.slice(offset, offset + size);
    return { Targets: page, ...(offset + size < targets.length ? { NextToken: String(offset + size) } : {}) };
  }

  private putTargets(b: any) {
    const rule = this.ruleOf(b.Rule, b.EventBusName);
    const failed: { TargetId: string; ErrorCode: string; ErrorMessage: string }[] = [];
    for (const t of b.Targets ?? []) {
      const retry = t.RetryPolicy;
      if (retry && (retry.MaximumRetryAttempts > 185 || retry.MaximumEventAgeInSeconds > 86400 || retry.MaximumEventAgeInSeconds < 60)) {
        throw new AwsJsonError('ValidationException', 'RetryPolicy out of range');
      }
      if (String(t.Arn).includes(':api-destination/') && !t.RoleArn) {
        failed.push({ TargetId: t.Id, ErrorCode: 'ValidationException', ErrorMessage: 'RoleArn is required for target arn ' + t.Arn });
        continue;
      }
      rule.targets.set(t.Id, t);
    }
    return { FailedEntryCount: failed.length, FailedEntries: failed };
  }
}

/** As EventBridge: a JSON object whose leaves are non-empty arrays (or nested objects). */
function checkPattern(text: unknown): void {
  let pattern: unknown;
  try {
    pattern = JSON.parse(String(text));
  } catch {
    throw new AwsJsonError('InvalidEventPatternException', 'Event pattern is not valid. Reason: not JSON');
  }
  const walk = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      if (node.length === 0) throw new AwsJsonError('InvalidEventPatternException', `Event pattern is not valid. Reason: Empty arrays are not allowed at ${path}`);
      return;
    }
    if (!node || typeof node !== 'object') throw new AwsJsonError('InvalidEventPatternException', `Event pattern is not valid. Reason: "${path}" must be an object or an array`);
    for (const [k, v] of Object.entries(node)) walk(v, k);
  };
  walk(pattern, '/');
}
