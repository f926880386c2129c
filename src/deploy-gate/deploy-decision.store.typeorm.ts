import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Tx, entityManagerOf } from '../database/transactions';
import { DecisionCursor, DecisionFilter, DeployDecisionRecord, DeployDecisionStore, IdentifiedDecision } from './deploy-decision.store';

interface Row {
  id: string;
  project: string;
  env: string;
  model: string | null;
  version: string | null;
  stage: string | null;
  run_id: string | null;
  source: string | null;
  outcome: DeployDecisionRecord['outcome'];
  reasons: string[];
  caller: string;
  commit: string | null;
  pipeline_url: string | null;
  decided_at: Date;
}

const toRecord = (r: Row): DeployDecisionRecord => ({
  id: r.id,
  project: r.project,
  env: r.env,
  model: r.model,
  version: r.version,
  stage: r.stage,
  runId: r.run_id,
  source: r.source,
  outcome: r.outcome,
  reasons: r.reasons,
  caller: r.caller,
  commit: r.commit,
  pipelineUrl: r.pipeline_url,
  decidedAt: r.decided_at,
});

@Injectable()
export class TypeOrmDeployDecisionStore extends DeployDecisionStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {
    super();
  }

  async insertMany(tx: Tx | undefined, batch: IdentifiedDecision[]): Promise<DeployDecisionRecord[]> {
    const params: unknown[] = [];
    const values = batch.map((d) => {
      const row = [d.id, d.project, d.env, d.model, d.version, d.stage, d.runId, d.source, d.outcome, JSON.stringify(d.reasons), d.caller, d.commit, d.pipelineUrl];
      return `(${row.map((v) => `$${params.push(v)}`).join(', ')})`;
    });
    const rows: Row[] = await entityManagerOf(tx, this.db.manager).query(
      `INSERT INTO deploy_decisions (id, project, env, model, version, stage, run_id, source, outcome, reasons, caller, commit, pipeline_url)
       VALUES ${values.join(', ')} RETURNING *`,
      params,
    );
    const byId = new Map(rows.map((r) => [r.id, toRecord(r)]));
    return batch.map((d) => byId.get(d.id)!);
  }

  async list(filter: DecisionFilter, limit: number, after?: DecisionCursor): Promise<DeployDecisionRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.project) where.push(`project = $${params.push(filter.project)}`);
    if (filter.env) where.push(`env = $${params.push(filter.env)}`);
    if (after) where.push(`(decided_at, id) < ($${params.push(after.decidedAt)}::timestamptz, $${params.push(after.id)}::uuid)`);
    const rows: Row[] = await this.db.query(
      `SELECT * FROM deploy_decisions ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY decided_at DESC, id DESC LIMIT $${params.push(limit)}`,
      params,
    );
    return rows.map(toRecord);
  }
}
