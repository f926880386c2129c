import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Step Functions reconciler's progress per state machine, and an index for the retention job
 * (delivered outbox rows by age).
 */
export class CreateStateMachineChecks1763900700000 implements MigrationInterface {
  name = 'CreateStateMachineChecks1763900700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE state_machine_checks (
        state_machine_arn varchar(2048) PRIMARY KEY,
        project varchar(100),
        list_from timestamptz,
        checked_through timestamptz,
        last_success_at timestamptz,
        last_failure_at timestamptz,
        last_error text,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT state_machine_checks_window CHECK ((list_from IS NULL) = (checked_through IS NULL))
      )`);
    await q.query(`CREATE INDEX outbox_delivered_at ON outbox (delivered_at) WHERE status = 'delivered'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX outbox_delivered_at');
    await q.query('DROP TABLE state_machine_checks');
  }
}
