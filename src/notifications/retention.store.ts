/** What the retention job deletes, in batches; each call answers how many rows it deleted. */
export abstract class RetentionStore {
  /** Delivered outbox rows (notifications and bus events) delivered before `cutoff`. */
  abstract purgeDeliveredOutbox(cutoff: Date, limit: number): Promise<number>;
  /** Pipeline events received before `cutoff` whose execution has no notification left (run after the outbox purge). */
  abstract purgePipelineEvents(cutoff: Date, limit: number): Promise<number>;
}
