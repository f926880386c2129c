import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/transactions';
import type { DriftNotice } from './notification.types';
import { Outbox } from '../outbox/outbox';
import { driftOutboxItems } from './recipient';

/**
 * Tells the project's `on_drift` people what changed in MLflow behind modelgate's back (or what
 * modelgate put back), through the outbox, in the transaction that records it: once per check.
 */
@Injectable()
export class DriftNotices {
  constructor(private readonly outbox: Outbox) {}

  async enqueue(tx: Tx, notice: DriftNotice, recipients: readonly string[]): Promise<number> {
    if (notice.drifts.length === 0) return 0;
    const items = driftOutboxItems(notice, recipients);
    return items.length ? this.outbox.add(tx, items) : 0;
  }

  /** Call after the commit that added notices. */
  wake(): void {
    this.outbox.wake();
  }
}
