import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { WebhookDeliveryRecord, WebhookDeliveryStore } from './webhook-delivery.store';

@Injectable()
export class TypeOrmWebhookDeliveryStore extends WebhookDeliveryStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {
    super();
  }

  async record(d: WebhookDeliveryRecord): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `INSERT INTO mlflow_webhook_deliveries (delivery_id, event, model, drift_check_requested) VALUES ($1, $2, $3, $4)
       ON CONFLICT (delivery_id) DO NOTHING RETURNING id`,
      [d.deliveryId, d.event, d.model ?? null, d.driftCheckRequested],
    );
    return rows.length === 1;
  }

  async purgeReceivedBefore(cutoff: Date, limit: number): Promise<number> {
    const [, count]: [unknown, number] = await this.db.query(
      `DELETE FROM mlflow_webhook_deliveries WHERE id IN (
         SELECT id FROM mlflow_webhook_deliveries WHERE received_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [cutoff, limit],
    );
    return count;
  }
}
