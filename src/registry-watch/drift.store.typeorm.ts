import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Tx, entityManagerOf } from '../database/transactions';
import type { Stage } from '../common/stage';
import { Drift, DriftFilter, DriftResolutionWrite, DriftStore, NewDrift } from './drift.store';

interface Row {
  id: string;
  model: string;
  project: string | null;
  version: string;
  expected_stage: Stage;
  observed_stage: Stage;
  expected_aliases: string[];
  observed_aliases: string[];
  mlflow_updated_at: Date | null;
  status: Drift['status'];
  detected_at: Date;
  detected_seq: string;
  resolved_at: Date | null;
  resolution: Drift['resolution'];
  resolved_seq: string | null;
  resolved_by: string | null;
}

const toDrift = (r: Row): Drift => ({
  id: r.id,
  model: r.model,
  project: r.project,
  version: r.version,
  expected: { stage: r.expected_stage, aliases: r.expected_aliases },
  observed: { stage: r.observed_stage, aliases: r.observed_aliases },
  mlflowUpdatedAt: r.mlflow_updated_at,
  status: r.status,
  detectedAt: r.detected_at,
  detectedSeq: Number(r.detected_seq),
  resolvedAt: r.resolved_at,
  resolution: r.resolution,
  resolvedSeq: r.resolved_seq === null ? null : Number(r.resolved_seq),
  resolvedBy: r.resolved_by,
});

@Injectable()
export class TypeOrmDriftStore extends DriftStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {
    super();
  }

  async open(model: string, tx?: Tx): Promise<Drift[]> {
    const rows: Row[] = await entityManagerOf(tx, this.db.manager).query(
      `SELECT * FROM registry_drifts WHERE model = $1 AND status = 'open' ORDER BY detected_seq`,
      [model],
    );
    return rows.map(toDrift);
  }

  async insert(d: NewDrift, tx: Tx): Promise<void> {
    await entityManagerOf(tx, this.db.manager).query(
      `INSERT INTO registry_drifts (id, model, project, version, expected_stage, observed_stage, expected_aliases, observed_aliases, mlflow_updated_at, detected_seq)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10)`,
      [d.id, d.model, d.project, d.version, d.expected.stage, d.observed.stage, JSON.stringify(d.expected.aliases), JSON.stringify(d.observed.aliases), d.mlflowUpdatedAt, d.detectedSeq],
    );
  }

  async resolve(id: string, r: DriftResolutionWrite, tx: Tx): Promise<Drift | undefined> {
    const rows: [Row[], number] = await entityManagerOf(tx, this.db.manager).query(
      `UPDATE registry_drifts SET status = 'resolved', resolved_at = now(), resolution = $2, resolved_seq = $3, resolved_by = $4
       WHERE id = $1 AND status = 'open' RETURNING *`,
      [id, r.resolution, r.seq, r.by],
    );
    const [updated] = rows[0];
    return updated && toDrift(updated);
  }

  async list(filter: DriftFilter, limit: number, beforeSeq?: number): Promise<Drift[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.project) where.push(`project = $${params.push(filter.project)}`);
    if (filter.status) where.push(`status = $${params.push(filter.status)}`);
    if (beforeSeq !== undefined) where.push(`detected_seq < $${params.push(beforeSeq)}`);
    const rows: Row[] = await this.db.query(
      `SELECT * FROM registry_drifts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY detected_seq DESC LIMIT $${params.push(limit)}`,
      params,
    );
    return rows.map(toDrift);
  }
}
