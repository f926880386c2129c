import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Keeps an idempotent answer as the text that was sent: jsonb reorders keys, so a replay was not
 * byte for byte the first answer. Existing rows become jsonb's own text, still valid JSON.
 */
export class IdempotentAnswersAsText1764100100000 implements MigrationInterface {
  name = 'IdempotentAnswersAsText1764100100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE idempotency_keys ALTER COLUMN response_body TYPE text USING response_body::text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE idempotency_keys ALTER COLUMN response_body TYPE jsonb USING response_body::jsonb');
  }
}
