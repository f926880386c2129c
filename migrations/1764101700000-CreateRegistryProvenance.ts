import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The modelgate.* provenance tags modelgate wants on each version it changed, kept with the change
 * and marked owed until MLflow took them, so a tag write that failed is retried by the reconciler.
 */
export class CreateRegistryProvenance1764101700000 implements MigrationInterface {
  name = 'CreateRegistryProvenance1764101700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE registry_provenance (
        model varchar(256) NOT NULL,
        version varchar(32) NOT NULL,
        tags jsonb NOT NULL,
        owed boolean NOT NULL DEFAULT true,
        set_at timestamptz NOT NULL DEFAULT now(),
        written_at timestamptz,
        PRIMARY KEY (model, version)
      )`);
    // The reconciler looks up only what is still owed.
    await q.query('CREATE INDEX registry_provenance_owed_idx ON registry_provenance (model) WHERE owed');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE registry_provenance');
  }
}
