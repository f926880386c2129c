import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Tx, entityManagerOf } from '../database/transactions';
import type { Stage } from '../common/stage';
import type { Approval, NewPromotion, Promotion } from './promotion';
import { PromotionCursor, PromotionFilter, PromotionStore, StatusChange } from './promotion.store';

interface Row {
  id: string;
  kind: Promotion['kind'];
  model: string;
  version: string;
  project: string | null;
  from_stage: Stage;
  to_stage: Stage;
  status: Promotion['status'];
  requested_by: string;
  reason: string;
  verdict: Promotion['verdict'];
  approvals_required: number;
  archived_versions: string[];
  failure: string | null;
  expires_at: Date | null;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
  approvals: { approver: string; decision: Approval['decision']; comment: string | null; created_at: string }[] | null;
}

// Approvals ride along as a JSON array, so one query answers a promotion with its votes.
const APPROVALS_OF_P = `(
    SELECT json_agg(json_build_object('approver', a.approver, 'decision', a.decision, 'comment', a.comment, 'created_at', a.created_at)
                    ORDER BY a.created_at, a.approver)
    FROM approvals a WHERE a.promotion_id = p.id
  )`;
const SELECT = `SELECT p.*, ${APPROVALS_OF_P} AS approvals FROM promotions p`;

const toPromotion = (r: Row): Promotion => ({
  id: r.id,
  kind: r.kind,
  model: r.model,
  version: r.version,
  project: r.project,
  fromStage: r.from_stage,
  toStage: r.to_stage,
  status: r.status,
  requestedBy: r.requested_by,
  reason: r.reason,
  verdict: r.verdict,
  approvalsRequired: r.approvals_required,
  approvals: (r.approvals ?? []).map((a) => ({ approver: a.approver, decision: a.decision, comment: a.comment, createdAt: new Date(a.created_at) })),
  archivedVersions: r.archived_versions,
  failure: r.failure,
  expiresAt: r.expires_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  completedAt: r.completed_at,
});

@Injectable()
export class TypeOrmPromotionStore extends PromotionStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {
    super();
  }

  async insert(p: NewPromotion, tx: Tx): Promise<Promotion | undefined> {
    const rows: Omit<Row, 'approvals'>[] = await this.em(tx).query(
      `INSERT INTO promotions (kind, model, version, project, from_stage, to_stage, status, requested_by, reason, verdict, approvals_required, expires_at, archived_versions)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (model, version, to_stage) WHERE status IN ('pending_approval', 'approved') DO NOTHING RETURNING *`,
      [p.kind, p.model, p.version, p.project, p.fromStage, p.toStage, p.status, p.requestedBy, p.reason, JSON.stringify(p.verdict), p.approvalsRequired, p.expiresAt, p.archivedVersions ?? []],
    );
    // A promotion just inserted has no approvals yet: the row is the whole answer, no second read.
    return rows[0] ? toPromotion({ ...rows[0], approvals: null }) : undefined;
  }

  async findById(id: string, tx?: Tx): Promise<Promotion | undefined> {
    return this.one(`${SELECT} WHERE p.id = $1`, [id], tx);
  }

  async findByIdForUpdate(id: string, tx: Tx): Promise<Promotion | undefined> {
    await this.em(tx).query('SELECT 1 FROM promotions WHERE id = $1 FOR UPDATE', [id]);
    return this.findById(id, tx);
  }

  findOpenRequest(model: string, version: string, toStage: Stage, tx: Tx): Promise<Promotion | undefined> {
    return this.one(
      `${SELECT} WHERE p.model = $1 AND p.version = $2 AND p.to_stage = $3 AND p.status IN ('pending_approval', 'approved')`,
      [model, version, toStage],
      tx,
    );
  }

  async list(filter: PromotionFilter, limit: number, after?: PromotionCursor): Promise<Promotion[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.model) where.push(`p.model = $${params.push(filter.model)}`);
    if (filter.status) where.push(`p.status = $${params.push(filter.status)}`);
    if (filter.project) where.push(`p.project = $${params.push(filter.project)}`);
    if (filter.requestedBy) where.push(`p.requested_by = $${params.push(filter.requestedBy)}`);
    if (filter.awaitingDecisionBy) {
      const who = `$${params.push(filter.awaitingDecisionBy)}`;
      where.push(`p.status = 'pending_approval' AND p.requested_by <> ${who} AND NOT EXISTS (SELECT 1 FROM approvals a WHERE a.promotion_id = p.id AND a.approver = ${who})`);
    }
    if (after) where.push(`(p.created_at, p.id) < ($${params.push(after.createdAt)}::timestamptz, $${params.push(after.id)}::uuid)`);
    const sql = `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY p.created_at DESC, p.id DESC LIMIT $${params.push(limit)}`;
    const rows: Row[] = await this.db.query(sql, params);
    return rows.map(toPromotion);
  }

  async setStatus(id: string, change: StatusChange, tx: Tx): Promise<Promotion> {
    // TypeORM answers an UPDATE with [rows, count]; the votes come along in the same statement.
    const [rows]: [Row[], number] = await this.em(tx).query(
      `UPDATE promotions AS p SET status = $2, failure = COALESCE($3, failure), archived_versions = COALESCE($4, archived_versions),
         completed_at = CASE WHEN $5 THEN now() ELSE completed_at END, updated_at = now()
       WHERE p.id = $1
       RETURNING p.*, ${APPROVALS_OF_P} AS approvals`,
      [id, change.status, change.failure ?? null, change.archivedVersions ?? null, change.completed ?? false],
    );
    return toPromotion(rows[0]);
  }

  async addApproval(promotionId: string, a: Omit<Approval, 'createdAt'>, tx: Tx): Promise<boolean> {
    const rows: unknown[] = await this.em(tx).query(
      `INSERT INTO approvals (promotion_id, approver, decision, comment) VALUES ($1, $2, $3, $4)
       ON CONFLICT (promotion_id, approver) DO NOTHING RETURNING id`,
      [promotionId, a.approver, a.decision, a.comment],
    );
    return rows.length === 1;
  }

  async findUnsettled(before: Date): Promise<Promotion[]> {
    const rows: Row[] = await this.db.query(
      `${SELECT} WHERE p.status IN ('approved', 'applying', 'rejecting') AND p.updated_at < $1 ORDER BY p.created_at`,
      [before],
    );
    return rows.map(toPromotion);
  }

  async findExpired(now: Date): Promise<Promotion[]> {
    const rows: Row[] = await this.db.query(`${SELECT} WHERE p.status = 'pending_approval' AND p.expires_at <= $1 ORDER BY p.expires_at`, [now]);
    return rows.map(toPromotion);
  }

  lastCompletedIntoProduction(model: string, version: string, tx: Tx): Promise<Promotion | undefined> {
    return this.one(
      `${SELECT} WHERE p.model = $1 AND p.version = $2 AND p.to_stage = 'Production' AND p.status = 'completed'
       ORDER BY p.completed_at DESC LIMIT 1`,
      [model, version],
      tx,
    );
  }

  async lastMovedInto(model: string, tx: Tx): Promise<Partial<Record<Stage, string>>> {
    const rows: { to_stage: Stage; version: string }[] = await this.em(tx).query(
      `SELECT DISTINCT ON (to_stage) to_stage, version FROM promotions
       WHERE model = $1 AND status = 'completed' ORDER BY to_stage, completed_at DESC`,
      [model],
    );
    return Object.fromEntries(rows.map((r) => [r.to_stage, r.version]));
  }

  private async one(sql: string, params: unknown[], tx?: Tx): Promise<Promotion | undefined> {
    const rows: Row[] = await this.em(tx).query(sql, params);
    return rows[0] ? toPromotion(rows[0]) : undefined;
  }

  private em(tx?: Tx): EntityManager {
    return entityManagerOf(tx, this.db.manager);
  }
}
