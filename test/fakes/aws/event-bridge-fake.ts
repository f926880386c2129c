import { randomUUID } from 'node:crypto';
import { AwsJsonError, AwsJsonServer } from './aws-json-server';
import { EventBridgeResources } from './event-bridge-resources';

/** An entry as PutEvents receives it (`Detail` is a JSON string). */
export interface PutEventsEntry {
  Source: string;
  DetailType: string;
  Detail: string;
  EventBusName?: string;
  Time?: number;
  Resources?: string[];
}

/** An entry EventBridge accepted, with its detail parsed. */
export interface AcceptedEvent extends PutEventsEntry {
  eventId: string;
  detail: any;
}

export type EntryFailure = { ErrorCode: string; ErrorMessage: string };

/**
 * EventBridge on loopback (`AWS_ENDPOINT_URL_EVENTBRIDGE`): PutEvents with EventBridge's own limits
 * (1 to 10 entries), answering per entry; scripted per-entry failures make a partial failure. Also
 * the connections, API destinations, rules and targets of {@link EventBridgeResources}.
 */
export class EventBridgeFake extends AwsJsonServer {
  readonly accepted: AcceptedEvent[] = [];
  /** Per call, the entries received. */
  readonly batches: PutEventsEntry[][] = [];
  private entryFailures: ((entry: PutEventsEntry) => EntryFailure | undefined)[] = [];

  private constructor(readonly resources = new EventBridgeResources()) {
    super('application/x-amz-json-1.1', { PutEvents: (b) => this.putEvents(b), ...resources.operations });
  }

  static async start(): Promise<EventBridgeFake> {
    const fake = new EventBridgeFake();
    await fake.listen();
    return fake;
  }

  /** The next entry for which `match` answers a failure fails with it (once). */
  failEntryOnce(match: (entry: PutEventsEntry) => EntryFailure | undefined): void {
    this.entryFailures.push(match);
  }

  /** Accepted events of one detail-type. */
  ofType(detailType: string): AcceptedEvent[] {
    return this.accepted.filter((e) => e.DetailType === detailType);
  }

  async waitFor(predicate: (accepted: AcceptedEvent[]) => boolean, timeoutMs = 10_000): Promise<AcceptedEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.accepted)) {
      if (Date.now() > deadline) throw new Error(`EventBridge never matched; it accepted ${JSON.stringify(this.accepted.map((e) => e.DetailType))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.accepted;
  }

  private putEvents(body: { Entries?: PutEventsEntry[] }) {
    const entries = body.Entries ?? [];
    if (entries.length < 1 || entries.length > 10) {
      throw new AwsJsonError('ValidationException', `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10`);
    }
    this.batches.push(entries);
    let failed = 0;
    const answers = entries.map((entry) => {
      const i = this.entryFailures.findIndex((match) => match(entry) !== undefined);
      if (i >= 0) {
        const failure = this.entryFailures[i](entry)!;
        this.entryFailures.splice(i, 1);
        failed += 1;
        return failure;
      }
      const eventId = randomUUID();
      this.accepted.push({ ...entry, eventId, detail: JSON.parse(entry.Detail) });
      return { EventId: eventId };
    });
    return { FailedEntryCount: failed, Entries: answers };
  }
}
