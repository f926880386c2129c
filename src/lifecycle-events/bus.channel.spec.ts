import { DeliveryError } from '../outbox/outbox.types';
import { batchesOf } from './bus.channel';
import { classifyPutEventsError, entryOutcome } from './event-bus-publisher';

describe('EventBridge PutEvents outcomes', () => {
  it('splits into calls of at most 10 entries', () => {
    expect(batchesOf(Array.from({ length: 23 }, (_, i) => i)).map((b) => b.length)).toEqual([10, 10, 3]);
    expect(batchesOf([])).toEqual([]);
  });

  it('retries the entries EventBridge documents as retryable, and gives up on the others', () => {
    expect(entryOutcome({ EventId: 'e-1' })).toEqual({ result: 'delivered' });
    expect(entryOutcome({ ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' })).toEqual({ result: 'retry', error: 'EventBridge refused the entry: ThrottlingException: slow down' });
    expect(entryOutcome({ ErrorCode: 'InternalFailure' })).toMatchObject({ result: 'retry' });
    expect(entryOutcome({ ErrorCode: 'MalformedDetail', ErrorMessage: 'bad' })).toEqual({ result: 'dead', error: 'EventBridge refused the entry: MalformedDetail: bad' });
    expect(entryOutcome({ ErrorCode: 'NotAuthorizedForSourceException' })).toMatchObject({ result: 'dead' });
    expect(entryOutcome(undefined)).toMatchObject({ result: 'retry' });
  });

  it('retries a whole call that was throttled, failed on the server or never answered', () => {
    const transient = (err: unknown) => !(classifyPutEventsError(err) as DeliveryError).permanent;
    expect(transient({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } })).toBe(true);
    expect(transient({ name: 'InternalException', $fault: 'server', $metadata: { httpStatusCode: 500 } })).toBe(true);
    expect(transient(Object.assign(new Error('connect ECONNREFUSED'), { name: 'Error' }))).toBe(true);
    expect(transient({ name: 'ResourceNotFoundException', message: 'Event bus x does not exist.', $metadata: { httpStatusCode: 400 } })).toBe(false);
    expect(classifyPutEventsError({ name: 'AccessDeniedException', message: 'no', $metadata: { httpStatusCode: 400 } }).message).toBe('EventBridge AccessDeniedException (HTTP 400): no');
  });
});
