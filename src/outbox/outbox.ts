import { Injectable } from '@nestjs/common';
import { GroupCommit } from '../common/group-commit';
import type { Tx } from '../database/transactions';
import type { NewOutboxItem } from './outbox.types';
import { OutboxSignal } from './outbox.signal';
import { OutboxRowToAdd, OutboxStore, ReleasedRow } from './outbox.store';

export type { OutboxRowToAdd, ReleasedRow } from './outbox.store';

/**
 * How other features hand over what must be sent: rows added in the transaction of the fact that
 * caused them (so both commit or neither does), then {@link wake} once that transaction committed.
 * A row can be held (not due for a while) until its sender completes it after the commit, then
 * {@link release}d; if the release never comes (a crash), the row falls due when its hold ends.
 */
@Injectable()
export class Outbox {
  /** Releases that arrive together share one statement. */
  private readonly releases = new GroupCommit<ReleasedRow, void>(async (rows) => {
    await this.store.release(rows);
    this.signal.notify();
    return rows.map(() => undefined);
  });

  constructor(
    private readonly store: OutboxStore,
    private readonly signal: OutboxSignal,
  ) {}

  /** Adds the rows whose dedupe key is new, due now; returns how many were added. */
  async add(tx: Tx, items: NewOutboxItem[]): Promise<number> {
    return (await this.store.insert(tx, items)).size;
  }

  /** Adds the rows whose dedupe key is new, each held for its `holdMs`; answers the ids of those added, by dedupe key. */
  addRows(tx: Tx, rows: OutboxRowToAdd[]): Promise<Map<string, string>> {
    return this.store.insert(tx, rows);
  }

  /** Makes held rows due now (with their final payload where given) and wakes the worker. */
  release(row: ReleasedRow): Promise<void> {
    return this.releases.submit(row);
  }

  /** Call after the commit that added rows. */
  wake(): void {
    this.signal.notify();
  }
}
