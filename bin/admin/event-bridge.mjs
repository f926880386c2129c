// The EventBridge calls of provision-events, through the SDK's default credential chain and endpoint settings.
import {
  CreateApiDestinationCommand,
  CreateConnectionCommand,
  DescribeApiDestinationCommand,
  DescribeConnectionCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  UpdateApiDestinationCommand,
  UpdateConnectionCommand,
} from '@aws-sdk/client-eventbridge';
import { AdminError, EXIT_REFUSED, clean } from './cli.mjs';
import { API_KEY_HEADER, RETRY_POLICY } from './events-plan.mjs';
import { callAws } from './aws-errors.mjs';

const NOT_FOUND = 'ResourceNotFoundException';

/** Region, credentials and AWS_ENDPOINT_URL_EVENTBRIDGE as the SDK finds them; bounded calls, the SDK's retries. */
export function createEventBridgeClient() {
  return new EventBridgeClient({ maxAttempts: 3, requestHandler: { connectionTimeout: 3000, requestTimeout: 10_000 } });
}

export class EventBridgeWiring {
  constructor(client, eventBus) {
    this.client = client;
    this.eventBus = eventBus;
  }

  send(operation, command, absent) {
    return callAws(operation, () => this.client.send(command), absent);
  }

  readConnection(name) {
    return this.send('DescribeConnection', new DescribeConnectionCommand({ Name: name }), NOT_FOUND);
  }

  readApiDestination(name) {
    return this.send('DescribeApiDestination', new DescribeApiDestinationCommand({ Name: name }), NOT_FOUND);
  }

  readRule(name) {
    return this.send('DescribeRule', new DescribeRuleCommand({ Name: name, EventBusName: this.eventBus }), NOT_FOUND);
  }

  /** The rule's target with this id (other targets on the rule are left alone). */
  async readTarget(rule, id) {
    let token;
    do {
      const page = await this.send('ListTargetsByRule', new ListTargetsByRuleCommand({ Rule: rule, EventBusName: this.eventBus, NextToken: token }));
      const found = (page.Targets ?? []).find((t) => t.Id === id);
      if (found) return found;
      token = page.NextToken;
    } while (token);
    return undefined;
  }

  /** Creating or updating writes the key; AWS answers the ARN at once, while the state may still be AUTHORIZING. */
  async writeConnection(name, exists, apiKey) {
    const auth = { ApiKeyAuthParameters: { ApiKeyName: API_KEY_HEADER, ApiKeyValue: apiKey } };
    if (!exists) {
      const created = await this.send(
        'CreateConnection',
        new CreateConnectionCommand({ Name: name, Description: 'modelgate: EventBridge sends an events-role key', AuthorizationType: 'API_KEY', AuthParameters: auth }),
      );
      return created.ConnectionArn;
    }
    const updated = await this.send('UpdateConnection', new UpdateConnectionCommand({ Name: name, AuthorizationType: 'API_KEY', AuthParameters: auth }));
    return updated.ConnectionArn;
  }

  async writeApiDestination(name, exists, { connectionArn, endpoint, rateLimit }) {
    const fields = { Name: name, ConnectionArn: connectionArn, InvocationEndpoint: endpoint, HttpMethod: 'POST', InvocationRateLimitPerSecond: rateLimit };
    const answer = exists
      ? await this.send('UpdateApiDestination', new UpdateApiDestinationCommand(fields))
      : await this.send('CreateApiDestination', new CreateApiDestinationCommand(fields));
    return answer.ApiDestinationArn;
  }

  async writeRule(name, { pattern, state, description }) {
    const answer = await this.send(
      'PutRule',
      new PutRuleCommand({ Name: name, EventBusName: this.eventBus, EventPattern: JSON.stringify(pattern), State: state, Description: description }),
    );
    return answer.RuleArn;
  }

  /** PutTargets replaces the target with this id whole; a refused entry is AWS refusing. */
  async writeTarget(rule, { id, apiDestinationArn, roleArn, dlqArn }) {
    const target = { Id: id, Arn: apiDestinationArn, RoleArn: roleArn, RetryPolicy: RETRY_POLICY, ...(dlqArn ? { DeadLetterConfig: { Arn: dlqArn } } : {}) };
    const answer = await this.send('PutTargets', new PutTargetsCommand({ Rule: rule, EventBusName: this.eventBus, Targets: [target] }));
    const failed = (answer.FailedEntries ?? [])[0];
    if ((answer.FailedEntryCount ?? 0) > 0 && failed) {
      throw new AdminError(`AWS refused PutTargets: ${clean(failed.ErrorCode)}: ${clean(failed.ErrorMessage)}`, EXIT_REFUSED);
    }
  }
}
