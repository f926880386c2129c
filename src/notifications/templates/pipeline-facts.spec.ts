import {
  executionConsoleUrl,
  formatDuration,
  logGroupConsoleUrl,
  parseArn,
  readableJson,
} from './pipeline-facts';

describe('pipeline facts', () => {
  it('reads region and account from an ARN', () => {
    expect(parseArn('arn:aws:states:eu-west-1:123456789012:execution:sm:name')).toEqual({
      partition: 'aws',
      service: 'states',
      region: 'eu-west-1',
      account: '123456789012',
      resource: 'execution:sm:name',
    });
    expect(parseArn('not-an-arn')).toBeUndefined();
  });

  it('builds console links in the region of the ARN, per partition', () => {
    expect(executionConsoleUrl('arn:aws:states:eu-west-1:1:execution:sm:n')).toBe(
      'https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn:aws:states:eu-west-1:1:execution:sm:n',
    );
    expect(executionConsoleUrl('arn:aws-cn:states:cn-north-1:1:execution:sm:n')).toMatch(/^https:\/\/cn-north-1\.console\.amazonaws\.cn\//);
    expect(executionConsoleUrl('garbage')).toBeUndefined();
    expect(logGroupConsoleUrl('arn:aws:states:us-east-2:1:execution:sm:n', '/ecs/churn')).toBe(
      'https://us-east-2.console.aws.amazon.com/cloudwatch/home?region=us-east-2#logsV2:log-groups/log-group/$252Fecs$252Fchurn',
    );
  });

  it('formats durations', () => {
    expect(formatDuration('2026-01-01T00:00:00Z', '2026-01-01T00:00:45Z')).toBe('45s');
    expect(formatDuration('2026-01-01T00:00:00Z', '2026-01-01T00:25:34Z')).toBe('25m 34s');
    expect(formatDuration('2026-01-01T00:00:00Z', '2026-01-01T01:00:00Z')).toBe('1h 0m 0s');
    expect(formatDuration('2026-01-01T00:00:00Z', null)).toBeUndefined();
    expect(formatDuration('2026-01-01T00:00:10Z', '2026-01-01T00:00:00Z')).toBeUndefined();
  });

  it('pretty-prints JSON objects only', () => {
    expect(readableJson('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(readableJson('"just a string"')).toBe('"just a string"');
    expect(readableJson('boom')).toBe('boom');
    expect(readableJson('  ')).toBeUndefined();
    expect(readableJson(null)).toBeUndefined();
  });
});
