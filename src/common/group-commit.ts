interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

export interface GroupCommitOptions {
  maxBatch?: number;
  maxInFlight?: number;
  /**
   * True for a failure one item can cause on its own (a value the database refuses): the batch's
   * items are then written again one at a time, so only the item at fault fails. Default: never.
   */
  blamesOneItem?: (err: unknown) => boolean;
}

/**
 * Writes that arrive together are committed together: while one batch is being written, the next
 * one gathers, so a burst costs a few round trips instead of one per item. Each caller still waits
 * for its own item's commit (nothing is acknowledged before it is durable), and a lone item is
 * written at once. A failed batch has written nothing, so its items may be written again.
 */
export class GroupCommit<T, R> {
  private queue: Waiting<T, R>[] = [];
  private inFlight = 0;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private readonly blamesOneItem: (err: unknown) => boolean;

  constructor(
    private readonly writeBatch: (items: T[]) => Promise<R[]>,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 100;
    this.maxInFlight = options.maxInFlight ?? 2;
    this.blamesOneItem = options.blamesOneItem ?? (() => false);
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight += 1;
      this.write(batch).finally(() => {
        this.inFlight -= 1;
        this.drain();
      });
    }
  }

  private async write(batch: Waiting<T, R>[]): Promise<void> {
    try {
      const results = await this.writeBatch(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(results[i]));
    } catch (err) {
      if (batch.length === 1 || !this.blamesOneItem(err)) return batch.forEach((w) => w.reject(err));
      // One at a time, not all at once: a batch must not take a connection per item.
      for (const w of batch) await this.write([w]);
    }
  }
}
