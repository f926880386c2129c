import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateApiKeys1763900000000 implements MigrationInterface {
  name = 'CreateApiKeys1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(100) NOT NULL,
        key_hash char(64) NOT NULL,
        roles text[] NOT NULL,
        created_by varchar(100),
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        last_used_at timestamptz,
        CONSTRAINT api_keys_name_unique UNIQUE (name),
        CONSTRAINT api_keys_key_hash_unique UNIQUE (key_hash),
        CONSTRAINT api_keys_roles_known CHECK (
          cardinality(roles) > 0 AND roles <@ ARRAY['reader','promoter','approver','ci','events','admin']::text[]
        )
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE api_keys');
  }
}
