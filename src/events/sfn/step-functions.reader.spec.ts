import { classifySfnError } from './step-functions.reader';

describe('classifySfnError', () => {
  const kind = (err: unknown) => classifySfnError('ListExecutions', err).kind;

  it('tells what gets better later from what does not', () => {
    expect(kind({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } })).toBe('throttled');
    expect(kind({ name: 'AbortError' })).toBe('timeout');
    expect(kind({ name: 'ServiceUnavailable', $fault: 'server', $metadata: { httpStatusCode: 503 } })).toBe('unavailable');
    expect(kind(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }))).toBe('unavailable');
    expect(kind({ name: 'ExecutionDoesNotExist', $metadata: { httpStatusCode: 400 } })).toBe('not_found');
    expect(kind({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } })).toBe('refused');
  });

  it('names the operation and the upstream error', () => {
    expect(classifySfnError('DescribeExecution', { name: 'ThrottlingException', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }).message).toBe(
      'Step Functions DescribeExecution: ThrottlingException (HTTP 400): Rate exceeded',
    );
  });
});
