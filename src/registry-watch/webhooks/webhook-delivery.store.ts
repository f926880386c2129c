/** One MLflow webhook delivery modelgate accepted. */
export interface WebhookDeliveryRecord {
  deliveryId: string;
  event: string;
  model?: string;
  driftCheckRequested: boolean;
}

/** The deliveries received, by MLflow's delivery id: a retry or a replay is recognised and done once. */
export abstract class WebhookDeliveryStore {
  /** Records the delivery; false when its id was recorded before. */
  abstract record(delivery: WebhookDeliveryRecord): Promise<boolean>;
  /** Deletes up to `limit` deliveries received before `cutoff`; answers how many. */
  abstract purgeReceivedBefore(cutoff: Date, limit: number): Promise<number>;
}
