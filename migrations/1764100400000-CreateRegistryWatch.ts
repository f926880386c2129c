import { MigrationInterface, QueryRunner } from 'typeorm';

const STAGES = `'None', 'Staging', 'Production', 'Archived'`;

/**
 * What modelgate expects of each version in MLflow (written with the change that set it), one row
 * per watched model (first sight, and what modelgate still owes MLflow), and the drifts found.
 */
export class CreateRegistryWatch1764100400000 implements MigrationInterface {
  name = 'CreateRegistryWatch1764100400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registry_watched_models (
        model varchar(256) PRIMARY KEY,
        seen_at timestamptz,
        baseline_adopted_at timestamptz,
        owed_by text[] NOT NULL DEFAULT '{}',
        revision bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Only models owed something are looked up by that.
    await q.query(`CREATE INDEX registry_watched_models_owed_idx ON registry_watched_models USING gin (owed_by) WHERE owed_by <> '{}'`);
    await q.query(`
      CREATE TABLE registry_expectations (
        model varchar(256) NOT NULL,
        version varchar(32) NOT NULL,
        stage varchar(16) NOT NULL CHECK (stage IN (${STAGES})),
        aliases jsonb NOT NULL DEFAULT '[]',
        set_by varchar(16) NOT NULL CHECK (set_by IN ('promotion', 'rollback', 'reject', 'archive', 'adoption', 'baseline', 'revert')),
        set_by_ref varchar(64),
        set_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (model, version)
      )`);
    await q.query(`
      CREATE TABLE registry_drifts (
        id uuid PRIMARY KEY,
        model varchar(256) NOT NULL,
        project varchar(63),
        version varchar(32) NOT NULL,
        expected_stage varchar(16) NOT NULL CHECK (expected_stage IN (${STAGES})),
        observed_stage varchar(16) NOT NULL CHECK (observed_stage IN (${STAGES})),
        expected_aliases jsonb NOT NULL DEFAULT '[]',
        observed_aliases jsonb NOT NULL DEFAULT '[]',
        mlflow_updated_at timestamptz,
        status varchar(16) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
        detected_at timestamptz NOT NULL DEFAULT now(),
        detected_seq bigint NOT NULL UNIQUE,
        resolved_at timestamptz,
        resolution varchar(16) CHECK (resolution IN ('adopted', 'reverted', 'returned', 'superseded')),
        resolved_seq bigint,
        resolved_by varchar(200),
        CHECK ((status = 'open') = (resolution IS NULL))
      )`);
    // One open drift per version: the last line of defence against two checkers both recording it.
    await q.query(`CREATE UNIQUE INDEX registry_drifts_one_open_idx ON registry_drifts (model, version) WHERE status = 'open'`);
    await q.query('CREATE INDEX registry_drifts_project_idx ON registry_drifts (project, detected_seq DESC)');
    await q.query('CREATE INDEX registry_drifts_status_idx ON registry_drifts (status, detected_seq DESC)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE registry_drifts');
    await q.query('DROP TABLE registry_expectations');
    await q.query('DROP TABLE registry_watched_models');
  }
}
