import { MigrationInterface, QueryRunner } from 'typeorm';

const STATUSES_BEFORE = `'pending_approval', 'applying', 'completed', 'denied', 'rejected', 'cancelled', 'expired', 'failed'`;

/**
 * Two statuses the reconciler settles: `approved` (every vote in, MLflow not yet changed) and
 * `rejecting` (rejection recorded before MLflow archives the candidate). An approved request is
 * still open, so a second request for the same version and target is refused while it waits.
 */
export class PromotionsApprovedAndRejecting1764100200000 implements MigrationInterface {
  name = 'PromotionsApprovedAndRejecting1764100200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE promotions DROP CONSTRAINT promotions_status_check');
    await q.query(`ALTER TABLE promotions ADD CONSTRAINT promotions_status_check CHECK (status IN (${STATUSES_BEFORE}, 'approved', 'rejecting'))`);
    await q.query('DROP INDEX promotions_one_pending_idx');
    await q.query(`CREATE UNIQUE INDEX promotions_one_open_request_idx ON promotions (model, version, to_stage) WHERE status IN ('pending_approval', 'approved')`);
    await q.query('DROP INDEX promotions_open_idx');
    await q.query(`CREATE INDEX promotions_open_idx ON promotions (status) WHERE status IN ('pending_approval', 'approved', 'applying', 'rejecting')`);
  }

  async down(q: QueryRunner): Promise<void> {
    // The older statuses closest in meaning: an approved promotion awaits its apply, a rejecting one is decided.
    await q.query(`UPDATE promotions SET status = 'pending_approval' WHERE status = 'approved'`);
    await q.query(`UPDATE promotions SET status = 'rejected' WHERE status = 'rejecting'`);
    await q.query('DROP INDEX promotions_open_idx');
    await q.query(`CREATE INDEX promotions_open_idx ON promotions (status) WHERE status IN ('pending_approval', 'applying')`);
    await q.query('DROP INDEX promotions_one_open_request_idx');
    await q.query(`CREATE UNIQUE INDEX promotions_one_pending_idx ON promotions (model, version, to_stage) WHERE status = 'pending_approval'`);
    await q.query('ALTER TABLE promotions DROP CONSTRAINT promotions_status_check');
    await q.query(`ALTER TABLE promotions ADD CONSTRAINT promotions_status_check CHECK (status IN (${STATUSES_BEFORE}))`);
  }
}
