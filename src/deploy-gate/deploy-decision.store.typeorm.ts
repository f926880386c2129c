import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DecisionCursor, DecisionFilter, DeployDecisionRecord, DeployDecisionStore, NewDeployDecision } from './deploy-decision.store';

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

  async insert(d: NewDeployDecision): Promise<DeployDecisionRecord> {
    const rows: Row[] = await this.db.query(
      `INSERT INTO deploy_decisions (project, env, model, version, stage, run_id, source, outcome, reasons, caller, commit, pipeline_url)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING *`,
      [d.project, d.env, d.model, d.version, d.stage, d.runId, d.source, d.outcome, JSON.stringify(d.reasons), d.caller, d.commit, d.pipelineUrl],
    );
    return toRecord(rows[0]);
  }

  async list(filter: DecisionFilter, limit: number, after?: DecisionCursor): Promise<DeployDecisionRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.project) add('project = ?', filter.project);
    if (filter.env) add('env = ?', filter.env);
    if (after) {
      params.push(after.decidedAt, after.id);
      where.push(`(decided_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit);
    const rows: Row[] = await this.db.query(
      `SELECT * FROM deploy_decisions ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY decided_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toRecord);
  }
}
