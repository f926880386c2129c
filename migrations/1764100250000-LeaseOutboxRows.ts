import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbox rows are claimed with a short lease committed before the send, instead of row locks held
 * across a whole batch: a crash then repeats only the sends in flight, and an expired lease is
 * claimable again. `lease_owner` names the claim (a fresh id per claim), so only it records the outcome.
 */
export class LeaseOutboxRows1764100250000 implements MigrationInterface {
  name = 'LeaseOutboxRows1764100250000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE outbox
        ADD COLUMN lease_owner uuid,
        ADD COLUMN leased_until timestamptz,
        ADD CONSTRAINT outbox_lease_whole CHECK ((lease_owner IS NULL) = (leased_until IS NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE outbox DROP CONSTRAINT outbox_lease_whole, DROP COLUMN leased_until, DROP COLUMN lease_owner');
  }
}
