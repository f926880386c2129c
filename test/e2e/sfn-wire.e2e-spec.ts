import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { Lazy } from '../../src/common/lazy';
import { SfnWire } from '../../src/events/sfn/sfn-wire';
import { StepFunctionsReader } from '../../src/events/sfn/step-functions.reader';
import { SfnMetrics } from '../../src/events/sfn/sfn.metrics';
import { Metrics } from '../../src/metrics/metrics';
import { AwsJsonError } from '../fakes/aws/aws-json-server';
import { StepFunctionsFake, failedRunHistory } from '../fakes/aws/step-functions-fake';

const CREDENTIALS = { accessKeyId: 'AKIAMODELGATEWIRE000', secretAccessKey: 'wire-secret', sessionToken: 'wire-session-token' };

/** The failing-step lookup skips the SDK's middleware: it must still reach Step Functions as `client.send` does. */
describe('Step Functions calls without the SDK middleware', () => {
  let sfn: StepFunctionsFake;
  let client: SFNClient;
  let reader: StepFunctionsReader;
  let arn: string;
  const signal = () => AbortSignal.timeout(2000);

  beforeAll(async () => {
    sfn = await StepFunctionsFake.start();
    client = new SFNClient({ region: 'eu-west-1', endpoint: sfn.endpoint, maxAttempts: 1, credentials: CREDENTIALS });
    reader = new StepFunctionsReader(new Lazy(() => client), new SfnMetrics(new Metrics()));
    arn = sfn.addExecution('recsys-workflow', { name: 'wire-run', status: 'FAILED', startDate: new Date(), history: failedRunHistory() }).executionArn;
  });
  afterAll(async () => {
    client.destroy();
    await sfn.close();
  });

  it('sends the request the SDK sends: same target, body, SigV4 scope, signed headers and session token', async () => {
    await client.send(new GetExecutionHistoryCommand({ executionArn: arn, reverseOrder: true, maxResults: 20, includeExecutionData: false }));
    expect(await reader.failedState(arn, signal())).toEqual({ name: 'Score Model', error: 'States.TaskFailed', cause: expect.stringContaining('Essential container') });
    const [bySdk, byWire] = sfn.callsOf('GetExecutionHistory').slice(-2);
    expect(byWire.body).toEqual(bySdk.body);
    const scope = (h: AwsCallHeaders) => /^AWS4-HMAC-SHA256 Credential=([^,]+), SignedHeaders=([^,]+), Signature=[0-9a-f]{64}$/.exec(String(h.authorization));
    const [, sdkCredential, sdkSigned] = scope(bySdk.headers)!;
    const [, wireCredential, wireSigned] = scope(byWire.headers)!;
    expect(wireCredential).toBe(sdkCredential);
    expect(wireCredential).toMatch(/^AKIAMODELGATEWIRE000\/\d{8}\/eu-west-1\/states\/aws4_request$/);
    for (const header of ['host', 'x-amz-date', 'x-amz-target', 'content-type', 'x-amz-security-token']) {
      expect(sdkSigned.split(';')).toContain(header);
      expect(wireSigned.split(';')).toContain(header);
    }
    expect(byWire.headers['x-amz-target']).toBe('AWSStepFunctions.GetExecutionHistory');
    expect(byWire.headers['x-amz-security-token']).toBe('wire-session-token');
  });

  it('tells Step Functions errors apart as the SDK client does', async () => {
    const kindOf = async (fault?: AwsJsonError | 'hang') => {
      if (fault) sfn.failNext(1, fault === 'hang' ? 'hang' : { error: fault }, 'GetExecutionHistory');
      return reader.failedState(fault ? arn : `${arn}-missing`, AbortSignal.timeout(300)).then(
        () => 'answered',
        (err: { kind: string }) => err.kind,
      );
    };
    expect(await kindOf(new AwsJsonError('ThrottlingException', 'Rate exceeded'))).toBe('throttled');
    expect(await kindOf(new AwsJsonError('AccessDeniedException', 'not allowed'))).toBe('refused');
    expect(await kindOf(new AwsJsonError('InternalFailure', 'oops', 500))).toBe('unavailable');
    expect(await kindOf('hang')).toBe('timeout');
    expect(await kindOf()).toBe('not_found');
  });

  it('goes where the client goes without a configured endpoint: its region\'s', async () => {
    const regional = new SFNClient({ region: 'eu-west-1', credentials: CREDENTIALS, ignoreConfiguredEndpointUrls: true });
    try {
      expect((await new SfnWire(() => regional).endpoint()).href).toBe('https://states.eu-west-1.amazonaws.com/');
    } finally {
      regional.destroy();
    }
  });
});

type AwsCallHeaders = Record<string, string | string[] | undefined>;
