import type { Tx } from '../database/transactions';
import type { NewOutboxItem } from '../outbox/outbox.types';
import type { Outbox, OutboxRowToAdd } from '../outbox/outbox';
import { PipelineEventWriter } from './pipeline-event-writer';
import type { NewPipelineEvent, PipelineEventStore } from './pipeline-event.store';

const event = (eventId: string, execution = eventId, status = 'FAILED'): NewPipelineEvent => ({
  eventId,
  source: 'aws.states',
  detailType: 'Step Functions Execution Status Change',
  origin: 'eventbridge',
  ignored: false,
  executionArn: `arn:aws:states:us-east-1:123456789012:execution:recsys-workflow:${execution}`,
  executionName: execution,
  stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:recsys-workflow',
  project: 'recsys',
  projectVersion: '1.0.0',
  status,
  redriveCount: 0,
  startDate: null,
  stopDate: null,
  error: null,
  cause: null,
  eventTime: null,
  rawJson: '{}',
});
const item = (key: string): NewOutboxItem => ({ kind: 'email', dedupeKey: key, recipient: 'ml-team@rentcars.com', project: 'recsys', executionArn: null, payload: {} });

/** In memory, as PostgreSQL would answer: unique event ids, and a statement fails whole. */
function writer(failOn?: string) {
  const stored = new Set<string>();
  const statements: string[][] = [];
  const rowsAdded: OutboxRowToAdd[] = [];
  const store = {
    async insertMany(_tx: Tx | undefined, events: NewPipelineEvent[]) {
      statements.push(events.map((e) => e.eventId));
      if (failOn && events.some((e) => e.eventId === failOn)) throw Object.assign(new Error('value too long for type character varying(256)'), { code: '22001' });
      return events.map((e) => (stored.has(e.eventId) ? undefined : (stored.add(e.eventId), `id-${e.eventId}`)));
    },
  } as unknown as PipelineEventStore;
  const outbox = {
    async addRows(_tx: Tx, rows: OutboxRowToAdd[]) {
      rowsAdded.push(...rows);
      return new Map(rows.map((r) => [r.dedupeKey, `row-${r.dedupeKey}`]));
    },
  } as unknown as Outbox;
  const transactions = { run: <T>(work: (tx: Tx) => Promise<T>) => work({} as Tx), isOneRowsFault: (err: { code?: string }) => err.code === '22001' };
  return { w: new PipelineEventWriter(transactions as never, store, outbox), statements, rowsAdded };
}

describe('PipelineEventWriter', () => {
  it('writes events that arrive together in one statement, each answered with its own outcome and rows', async () => {
    const { w, statements, rowsAdded } = writer();
    const results = await Promise.all(['a', 'b', 'c', 'd'].map((id) => w.write({ event: event(id), items: [item(`${id}|team`)], holdMs: 5000 })));
    // Two batches in flight at most: the first two go at once, alone; the next ones gather meanwhile.
    expect(statements).toEqual([['a'], ['b'], ['c', 'd']]);
    expect(results).toEqual(['a', 'b', 'c', 'd'].map((id) => ({ stored: true, queued: [`row-${id}|team`] })));
    expect(rowsAdded.map((r) => r.holdMs)).toEqual([5000, 5000, 5000, 5000]);
  });

  it('stores the first of copies in one batch and answers the others as duplicates, by event id or by execution and status', async () => {
    const { w, statements } = writer();
    const results = await Promise.all([
      w.write({ event: event('first'), items: [], holdMs: 0 }),
      w.write({ event: event('second'), items: [], holdMs: 0 }),
      w.write({ event: event('x'), items: [item('x|team')], holdMs: 0 }),
      w.write({ event: event('x'), items: [item('x|team')], holdMs: 0 }),
      w.write({ event: event('x-again', 'x'), items: [item('x|team')], holdMs: 0 }),
    ]);
    expect(statements).toEqual([['first'], ['second'], ['x']]);
    expect(results.map((r) => r.stored)).toEqual([true, true, true, false, false]);
    expect(results[3].queued).toEqual([]);
  });

  it('fails only the event that cannot be stored: the others of its batch are written one by one', async () => {
    const { w } = writer('bad');
    const results = await Promise.allSettled(['lead', 'good-1', 'bad', 'good-2'].map((id) => w.write({ event: event(id), items: [], holdMs: 0 })));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: '22001' });
  });
});
