import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreatePromotions1763900500000 implements MigrationInterface {
  name = 'CreatePromotions1763900500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE promotions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind varchar(16) NOT NULL DEFAULT 'promotion' CHECK (kind IN ('promotion', 'rollback')),
        model varchar(256) NOT NULL,
        version varchar(32) NOT NULL,
        project varchar(63),
        from_stage varchar(16) NOT NULL,
        to_stage varchar(16) NOT NULL,
        status varchar(20) NOT NULL CHECK (status IN
          ('pending_approval', 'applying', 'completed', 'denied', 'rejected', 'cancelled', 'expired', 'failed')),
        requested_by varchar(100) NOT NULL,
        reason text NOT NULL,
        verdict jsonb NOT NULL,
        approvals_required integer NOT NULL DEFAULT 0 CHECK (approvals_required >= 0),
        archived_versions text[] NOT NULL DEFAULT '{}',
        failure text,
        expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      )`);
    await q.query('CREATE INDEX promotions_model_created_idx ON promotions (model, created_at DESC, id DESC)');
    await q.query('CREATE INDEX promotions_created_idx ON promotions (created_at DESC, id DESC)');
    await q.query(`CREATE INDEX promotions_open_idx ON promotions (status) WHERE status IN ('pending_approval', 'applying')`);
    // One open request per version and target: a second one is answered with the first.
    await q.query(`CREATE UNIQUE INDEX promotions_one_pending_idx ON promotions (model, version, to_stage) WHERE status = 'pending_approval'`);
    await q.query(`
      CREATE TABLE approvals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        promotion_id uuid NOT NULL REFERENCES promotions (id),
        approver varchar(100) NOT NULL,
        decision varchar(10) NOT NULL CHECK (decision IN ('approve', 'reject')),
        comment text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT approvals_one_per_approver UNIQUE (promotion_id, approver)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE approvals');
    await q.query('DROP TABLE promotions');
  }
}
