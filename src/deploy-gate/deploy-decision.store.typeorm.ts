import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { GroupCommit } from '../common/group-commit';
import { isRowRefused } from '../database/sql-errors';
import { Transactions, Tx, entityManagerOf } from '../database/transactions';
import { LifecyclePublisher } from '../notifications/lifecycle-publisher';
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

type IdentifiedDecision = NewDeployDecision & { id: string };

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
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly transactions: Transactions,
    private readonly lifecycle: LifecyclePublisher,
  ) {
    super();
  }

  /**
   * CI bursts: concurrent decisions share one multi-row INSERT; each still waits for its commit. A
   * row PostgreSQL refuses fails only its own caller: the others are written again without it.
   */
  private readonly writer = new GroupCommit<IdentifiedDecision, DeployDecisionRecord>((batch) => this.insertMany(batch), {
    blamesOneItem: isRowRefused,
  });

  /** The id is fixed before the first try, so a batch written again can never hold a row twice. */
  insert(d: NewDeployDecision): Promise<DeployDecisionRecord> {
    return this.writer.submit({ ...d, id: randomUUID() });
  }

  /** With EVENT_BUS_NAME set, the batch and its `Deploy Gate Decision` bus events commit together. */
  private async insertMany(batch: IdentifiedDecision[]): Promise<DeployDecisionRecord[]> {
    if (!this.lifecycle.enabled) return this.insertRows(batch);
    const records = await this.transactions.run(async (tx) => {
      const inserted = await this.insertRows(batch, tx);
      await this.lifecycle.deployDecisions(tx, inserted);
      return inserted;
    });
    this.lifecycle.wake();
    return records;
  }

  private async insertRows(batch: IdentifiedDecision[], tx?: Tx): Promise<DeployDecisionRecord[]> {
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
