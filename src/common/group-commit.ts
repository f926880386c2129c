interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Writes that arrive together are committed together: while one batch is being written, the next
 * one gathers, so a burst costs a few round trips instead of one per item. Each caller still waits
 * for its own item's commit (nothing is acknowledged before it is durable), and a lone item is
 * written at once.
 */
export class GroupCommit<T, R> {
  private queue: Waiting<T, R>[] = [];
  private inFlight = 0;

  constructor(
    private readonly writeBatch: (items: T[]) => Promise<R[]>,
    private readonly maxBatch = 100,
    private readonly maxInFlight = 2,
  ) {}

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
      this.writeBatch(batch.map((w) => w.item))
        .then((results) => batch.forEach((w, i) => w.resolve(results[i])))
        .catch((err: unknown) => batch.forEach((w) => w.reject(err)))
        .finally(() => {
          this.inFlight -= 1;
          this.drain();
        });
    }
  }
}
