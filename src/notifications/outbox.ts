import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/transactions';
import type { NewOutboxItem } from './notification.types';
import { OutboxSignal } from './outbox.signal';
import { OutboxStore } from './outbox.store';

/**
 * How other features hand over what must be sent: rows added in the transaction of the fact that
 * caused them (so both commit or neither does), then {@link wake} once that transaction committed.
 */
@Injectable()
export class Outbox {
  constructor(
    private readonly store: OutboxStore,
    private readonly signal: OutboxSignal,
  ) {}

  /** Adds the rows whose dedupe key is new; returns how many were added. */
  add(tx: Tx, items: NewOutboxItem[]): Promise<number> {
    return this.store.insert(tx, items);
  }

  /** Call after the commit that added rows. */
  wake(): void {
    this.signal.notify();
  }
}
