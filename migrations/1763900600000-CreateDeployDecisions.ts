import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateDeployDecisions1763900600000 implements MigrationInterface {
  name = 'CreateDeployDecisions1763900600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE deploy_decisions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project varchar(63) NOT NULL,
        env varchar(63) NOT NULL,
        model varchar(256),
        version varchar(32),
        stage varchar(16),
        run_id varchar(64),
        source text,
        outcome varchar(16) NOT NULL CHECK (outcome IN ('allowed', 'denied', 'unavailable')),
        reasons jsonb NOT NULL DEFAULT '[]',
        caller varchar(100) NOT NULL,
        commit varchar(100),
        pipeline_url text,
        decided_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp())
      )`);
    await q.query('CREATE INDEX deploy_decisions_project_env_idx ON deploy_decisions (project, env, decided_at DESC, id DESC)');
    await q.query('CREATE INDEX deploy_decisions_decided_at_idx ON deploy_decisions (decided_at DESC, id DESC)');
    // The gate's decisions are a record: insert only.
    await q.query(`
      CREATE FUNCTION deploy_decisions_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'deploy_decisions is insert-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER deploy_decisions_insert_only BEFORE UPDATE OR DELETE ON deploy_decisions
      FOR EACH ROW EXECUTE FUNCTION deploy_decisions_insert_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE deploy_decisions');
    await q.query('DROP FUNCTION deploy_decisions_insert_only()');
  }
}
