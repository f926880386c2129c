import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateIdempotencyKeys1763900400000 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1763900400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        id bigserial PRIMARY KEY,
        key_holder varchar(100) NOT NULL,
        key varchar(255) NOT NULL,
        route text NOT NULL,
        request_hash char(64) NOT NULL,
        state varchar(16) NOT NULL DEFAULT 'in_progress' CHECK (state IN ('in_progress', 'completed')),
        response_status smallint,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        CONSTRAINT idempotency_keys_holder_key_unique UNIQUE (key_holder, key)
      )`);
    await q.query('CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE idempotency_keys');
  }
}
