import { Injectable } from '@nestjs/common';
import { GroupCommit } from '../common/group-commit';
import { Transactions } from '../database/transactions';
import type { NewOutboxItem } from '../outbox/outbox.types';
import { Outbox } from '../outbox/outbox';
import { NewPipelineEvent, PipelineEventStore } from './pipeline-event.store';

/** An event to store with the outbox rows it causes (held for `holdMs` when they wait on a lookup after the commit). */
export interface EventToStore {
  event: NewPipelineEvent;
  items: NewOutboxItem[];
  holdMs: number;
}

export interface StoredEvent {
  /** False for a duplicate: nothing was stored, nobody is notified again. */
  stored: boolean;
  /** The ids of the outbox rows added. */
  queued: string[];
}

/** The keys that make an event a duplicate of another (pipeline_events' unique constraints). */
function keysOf(e: NewPipelineEvent): string[] {
  const keys = [`id:${e.eventId}`];
  if (e.executionArn !== null && e.status !== null && e.redriveCount !== null) keys.push(`run:${e.executionArn}|${e.status}|${e.redriveCount}`);
  return keys;
}

/**
 * Writes events that arrive together in one transaction: their rows in one statement, their
 * outbox rows in another, one commit (4 round trips for a burst instead of 4 per event). Each
 * caller is answered after the commit of its own event. Copies in one batch behave as they would
 * one after the other: the first is stored, the others are duplicates. A batch refused for one
 * event's values (or caught in a deadlock with another batch over a redelivered event) is written
 * again one event at a time, so only a bad event fails.
 */
@Injectable()
export class PipelineEventWriter {
  private readonly batches = new GroupCommit<EventToStore, StoredEvent>((batch) => this.writeTogether(batch), {
    blamesOneItem: (err) => this.transactions.isOneRowsFault(err),
  });

  constructor(
    private readonly transactions: Transactions,
    private readonly events: PipelineEventStore,
    private readonly outbox: Outbox,
  ) {}

  write(e: EventToStore): Promise<StoredEvent> {
    return this.batches.submit(e);
  }

  private async writeTogether(batch: EventToStore[]): Promise<StoredEvent[]> {
    const seen = new Set<string>();
    const firsts = batch.filter((e) => {
      const keys = keysOf(e.event);
      if (keys.some((k) => seen.has(k))) return false;
      keys.forEach((k) => seen.add(k));
      return true;
    });
    const rows = firsts.map((e) => e.event);
    const withItems = firsts.some((e) => e.items.length > 0);
    const { ids, queued } = withItems
      ? await this.transactions.run(async (tx) => {
          const stored = await this.events.insertMany(tx, rows);
          const items = firsts.flatMap((e, i) => (stored[i] ? e.items.map((item) => ({ ...item, holdMs: e.holdMs })) : []));
          return { ids: stored, queued: await this.outbox.addRows(tx, items) };
        })
      : { ids: await this.events.insertMany(undefined, rows), queued: new Map<string, string>() };
    const idOf = new Map(firsts.map((e, i) => [e, ids[i]]));
    return batch.map((e) => {
      const stored = idOf.get(e) !== undefined;
      return { stored, queued: stored ? e.items.flatMap((item) => queued.get(item.dedupeKey) ?? []) : [] };
    });
  }
}
