import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateProjects1763900100000 implements MigrationInterface {
  name = 'CreateProjects1763900100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE projects (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(63) NOT NULL,
        version varchar(200) NOT NULL,
        model_name varchar(256) NOT NULL,
        state_machine_name varchar(80) NOT NULL,
        state_machine_arn varchar(256),
        config jsonb NOT NULL,
        resolved jsonb NOT NULL,
        raw text NOT NULL,
        config_hash char(64) NOT NULL,
        source varchar(8) NOT NULL,
        source_path text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by varchar(100),
        CONSTRAINT projects_name_unique UNIQUE (name),
        CONSTRAINT projects_model_name_unique UNIQUE (model_name),
        CONSTRAINT projects_source_known CHECK (source IN ('file', 'api')),
        CONSTRAINT projects_file_has_path CHECK (source <> 'file' OR source_path IS NOT NULL)
      )`);
    await q.query('CREATE INDEX projects_state_machine_arn_idx ON projects (state_machine_arn) WHERE state_machine_arn IS NOT NULL');
    await q.query('CREATE INDEX projects_state_machine_name_idx ON projects (state_machine_name)');
    // What the loader last did with each config.yaml: so an unchanged file is not re-applied over an API edit.
    await q.query(`
      CREATE TABLE project_files (
        path text PRIMARY KEY,
        loaded_hash char(64),
        project_name varchar(63),
        problems jsonb,
        checked_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE project_files');
    await q.query('DROP TABLE projects');
  }
}
