import { MigrationInterface, QueryRunner } from 'typeorm';

/** Slack user id → the approver key name it acts as, so a click in Slack is that approver's decision. */
export class CreateSlackIdentities1764100600000 implements MigrationInterface {
  name = 'CreateSlackIdentities1764100600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE slack_identities (
        slack_user_id varchar(32) PRIMARY KEY,
        actor varchar(100) NOT NULL,
        linked_by varchar(100) NOT NULL,
        linked_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE slack_identities');
  }
}
