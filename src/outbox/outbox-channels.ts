import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/transactions';
import type { DeliveryChannel, OutboxItem, OutboxKind } from './outbox.types';

/** A row the outbox just gave up on, told in the transaction that records it. */
export interface DeadRow {
  item: OutboxItem;
  attempts: number;
  error: string | null;
}

/** Hears of rows given up on, inside the transaction that marks them dead; answers how many outbox rows it added. */
export type DeadRowsListener = (tx: Tx, dead: DeadRow[]) => Promise<number>;

/**
 * What the outbox hands its rows to, filled by the features that own them when they start: one
 * channel per kind (notifications register e-mail and Slack, lifecycle events the bus), and the
 * listeners of rows given up on. The outbox itself knows no channel.
 */
@Injectable()
export class OutboxChannels {
  private readonly channels = new Map<OutboxKind, DeliveryChannel>();
  private readonly deadListeners: DeadRowsListener[] = [];

  register(...channels: DeliveryChannel[]): void {
    for (const channel of channels) {
      if (this.channels.has(channel.kind)) throw new Error(`a channel for "${channel.kind}" rows is already registered`);
      this.channels.set(channel.kind, channel);
    }
  }

  /** The channel that sends rows of this kind, if any registered. */
  of(kind: OutboxKind): DeliveryChannel | undefined {
    return this.channels.get(kind);
  }

  onDead(listener: DeadRowsListener): void {
    this.deadListeners.push(listener);
  }

  /** Tells every listener, in `tx`; answers how many rows they added (so the caller wakes the worker). */
  async announceDead(tx: Tx, dead: DeadRow[]): Promise<number> {
    let added = 0;
    for (const listener of this.deadListeners) added += await listener(tx, dead);
    return added;
  }
}
