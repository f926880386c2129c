import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Approve/Reject clicks received from Slack, recorded before they are acknowledged: unique per click
 * (the same delivery again is recognised), and worked off until the decision and Slack's reply are done.
 */
export class CreateSlackInteractions1764100610000 implements MigrationInterface {
  name = 'CreateSlackInteractions1764100610000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE slack_interactions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        action_key varchar(200) NOT NULL,
        slack_user_id varchar(32) NOT NULL,
        promotion_id uuid NOT NULL,
        decision varchar(10) NOT NULL CHECK (decision IN ('approve', 'reject')),
        response_url text NOT NULL,
        message jsonb,
        status varchar(10) NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'decided', 'done')),
        actor varchar(100),
        outcome varchar(10) CHECK (outcome IN ('voted', 'refused')),
        refusal_code varchar(40),
        refusal_message text,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        retry_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        CONSTRAINT slack_interactions_action_key UNIQUE (action_key)
      )`);
    await q.query(`CREATE INDEX slack_interactions_unfinished ON slack_interactions (retry_at) WHERE status <> 'done'`);
    await q.query('CREATE INDEX slack_interactions_promotion ON slack_interactions (promotion_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE slack_interactions');
  }
}
