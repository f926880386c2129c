import { MigrationInterface, QueryRunner } from 'typeorm';

/** MLflow webhook deliveries received, by MLflow's delivery id, so a retried or replayed one is done once. */
export class CreateMlflowWebhookDeliveries1764100500000 implements MigrationInterface {
  name = 'CreateMlflowWebhookDeliveries1764100500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE mlflow_webhook_deliveries (
        id bigserial PRIMARY KEY,
        delivery_id varchar(200) NOT NULL,
        event varchar(130) NOT NULL,
        model varchar(256),
        drift_check_requested boolean NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT mlflow_webhook_deliveries_delivery_id UNIQUE (delivery_id)
      )`);
    await q.query('CREATE INDEX mlflow_webhook_deliveries_received_at ON mlflow_webhook_deliveries (received_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE mlflow_webhook_deliveries');
  }
}
