import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAuditEvents1763900200000 implements MigrationInterface {
  name = 'CreateAuditEvents1763900200000';

  async up(q: QueryRunner): Promise<void> {
    // seq is assigned by the app under an advisory lock (it is part of the hash), not by a sequence.
    await q.query(`
      CREATE TABLE audit_events (
        seq bigint PRIMARY KEY CHECK (seq > 0),
        at timestamptz NOT NULL,
        actor text NOT NULL,
        action varchar(64) NOT NULL,
        model text,
        version text,
        from_stage varchar(20),
        to_stage varchar(20),
        reason text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        prev_hash char(64) NOT NULL,
        hash char(64) NOT NULL,
        CONSTRAINT audit_events_at_milliseconds CHECK (at = date_trunc('milliseconds', at)),
        CONSTRAINT audit_events_details_object CHECK (jsonb_typeof(details) = 'object'),
        CONSTRAINT audit_events_prev_hash_unique UNIQUE (prev_hash),
        CONSTRAINT audit_events_hash_unique UNIQUE (hash)
      )`);
    await q.query('CREATE INDEX audit_events_model_idx ON audit_events (model, version, seq)');
    await q.query('CREATE INDEX audit_events_action_idx ON audit_events (action, seq)');
    await q.query('CREATE INDEX audit_events_actor_idx ON audit_events (actor, seq)');
    await q.query('CREATE INDEX audit_events_at_idx ON audit_events (at)');
    await q.query(`
      CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
          USING ERRCODE = 'insufficient_privilege',
                HINT = 'Audit events are hash-chained; record a new event instead of changing one.';
      END
      $$`);
    await q.query(`
      CREATE TRIGGER audit_events_append_only
        BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_events');
    await q.query('DROP FUNCTION audit_events_refuse_change()');
  }
}
