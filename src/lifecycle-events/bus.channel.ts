import { Injectable, Logger } from '@nestjs/common';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { BusEventPayload, isBusEventPayload } from './lifecycle-events';
import { DeliveryChannel, DeliveryOutcome, OutboxItem, outcomeOf } from '../outbox/outbox.types';
import { EventBusPublisher, PUT_EVENTS_MAX_ENTRIES } from './event-bus-publisher';

export function putEventsEntry(p: BusEventPayload): PutEventsRequestEntry {
  return { EventBusName: p.event_bus_name, Source: p.source, DetailType: p.detail_type, Detail: JSON.stringify(p.detail), Time: new Date(p.time) };
}

/** Splits into PutEvents calls of at most 10 entries. */
export function batchesOf<T>(items: T[], size = PUT_EVENTS_MAX_ENTRIES): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

/**
 * Bus rows: PutEvents in batches of 10. Each entry gets its own outcome, so after a partial failure
 * only the failed entries stay pending and are sent again by the outbox.
 */
@Injectable()
export class BusChannel extends DeliveryChannel {
  readonly kind = 'bus' as const;
  readonly rowsPerSend = PUT_EVENTS_MAX_ENTRIES;
  private readonly logger = new Logger(BusChannel.name);

  constructor(private readonly publisher: EventBusPublisher) {
    super();
  }

  async deliver(items: OutboxItem[]): Promise<DeliveryOutcome[]> {
    const outcomes = new Map<string, DeliveryOutcome>();
    const valid: { id: string; payload: BusEventPayload }[] = [];
    for (const item of items) {
      if (isBusEventPayload(item.payload)) valid.push({ id: item.id, payload: item.payload });
      else outcomes.set(item.id, { result: 'dead', error: 'not a bus event this version of modelgate can send' });
    }
    await Promise.all(batchesOf(valid).map((batch) => this.send(batch, outcomes)));
    return items.map((item) => outcomes.get(item.id)!);
  }

  private async send(batch: { id: string; payload: BusEventPayload }[], outcomes: Map<string, DeliveryOutcome>): Promise<void> {
    let results: DeliveryOutcome[];
    try {
      results = await this.publisher.putEvents(batch.map((b) => putEventsEntry(b.payload)));
    } catch (err) {
      results = batch.map(() => outcomeOf(err));
    }
    batch.forEach((item, i) => outcomes.set(item.id, results[i]));
    const failed = results.filter((r) => r.result !== 'delivered').length;
    if (failed) this.logger.warn({ entries: batch.length, failed }, 'PutEvents: some entries were not accepted');
    else this.logger.log({ entries: batch.length }, 'lifecycle events published');
  }
}
