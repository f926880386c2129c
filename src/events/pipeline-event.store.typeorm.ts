import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Tx, entityManagerOf } from '../database/transactions';
import { valuesList } from '../database/values-list';
import { PipelineEventEntity } from './pipeline-event.entity';
import {
  EventOrigin,
  NewPipelineEvent,
  PipelineEventRecord,
  PipelineEventStore,
  PipelineRun,
  PipelineRunFilter,
  RunCursor,
} from './pipeline-event.store';
import { TERMINAL_STATUSES } from './pipeline-notice';
import { statusKey } from './sfn/reconcile-window';

const TERMINAL_SQL = TERMINAL_STATUSES.map((s) => `'${s}'`).join(', ');
/** The 18th column, the event as received, is jsonb. */
const RAW_CAST = [...Array<undefined>(17), 'jsonb'];

/**
 * One row per execution: its latest attempt (highest redrive count), and within it a terminal
 * status over RUNNING, so a late RUNNING changes nothing.
 */
const RUNS_SQL = `
  SELECT * FROM (
    SELECT DISTINCT ON (execution_arn)
      execution_arn, execution_name, state_machine_arn, project, project_version, status, redrive_count,
      start_date, stop_date, error, cause,
      count(*) OVER (PARTITION BY execution_arn) AS events_received,
      max(received_at) OVER (PARTITION BY execution_arn) AS last_event_at
    FROM pipeline_events
    WHERE NOT ignored %INNER%
    ORDER BY execution_arn, redrive_count DESC, (status IN (${TERMINAL_SQL})) DESC, seq DESC
  ) runs`;

interface RunRow {
  execution_arn: string;
  execution_name: string | null;
  state_machine_arn: string;
  project: string | null;
  project_version: string | null;
  status: string;
  redrive_count: number;
  start_date: Date | null;
  stop_date: Date | null;
  error: string | null;
  cause: string | null;
  events_received: string;
  last_event_at: Date;
}

function toRun(r: RunRow): PipelineRun {
  return {
    executionArn: r.execution_arn,
    executionName: r.execution_name,
    stateMachineArn: r.state_machine_arn,
    project: r.project,
    projectVersion: r.project_version,
    status: r.status,
    redriveCount: r.redrive_count,
    startDate: r.start_date,
    stopDate: r.stop_date,
    error: r.error,
    cause: r.cause,
    eventsReceived: Number(r.events_received),
    lastEventAt: r.last_event_at,
  };
}

/** The runs after `after` in `start_date DESC NULLS LAST, execution_arn` order. */
function afterRun(after: RunCursor, params: unknown[]): string {
  const arn = `$${params.push(after.arn)}`;
  if (after.start === null) return `(start_date IS NULL AND execution_arn > ${arn})`;
  const start = `$${params.push(after.start)}::timestamptz`;
  return `(start_date < ${start} OR (start_date = ${start} AND execution_arn > ${arn}) OR start_date IS NULL)`;
}

@Injectable()
export class TypeOrmPipelineEventStore extends PipelineEventStore {
  constructor(@InjectRepository(PipelineEventEntity) private readonly repo: Repository<PipelineEventEntity>) {
    super();
  }

  async insertMany(tx: Tx | undefined, events: NewPipelineEvent[]): Promise<(string | undefined)[]> {
    if (events.length === 0) return [];
    const { sql, params } = valuesList(
      events.map((e) => [
        e.eventId, e.source, e.detailType, e.origin, e.ignored, e.executionArn, e.executionName, e.stateMachineArn, e.project,
        e.projectVersion, e.status, e.redriveCount, e.startDate, e.stopDate, e.error, e.cause, e.eventTime, e.rawJson,
      ]),
      RAW_CAST,
    );
    // No conflict target: a clash on either unique key (event id; execution + status + redrive) is a duplicate.
    const rows: { id: string; event_id: string }[] = await entityManagerOf(tx, this.repo.manager).query(
      `INSERT INTO pipeline_events (event_id, source, detail_type, origin, ignored, execution_arn, execution_name,
         state_machine_arn, project, project_version, status, redrive_count, start_date, stop_date, error, cause, event_time, raw)
       VALUES ${sql}
       ON CONFLICT DO NOTHING
       RETURNING id, event_id`,
      params,
    );
    const ids = new Map(rows.map((r) => [r.event_id, r.id]));
    return events.map((e) => ids.get(e.eventId));
  }

  async listRuns(filter: PipelineRunFilter, limit: number, after?: RunCursor): Promise<PipelineRun[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.project === null) where.push('project IS NULL');
    else if (filter.project !== undefined) where.push(`project = $${params.push(filter.project)}`);
    if (filter.status) where.push(`status = $${params.push(filter.status)}`);
    if (after) where.push(afterRun(after, params));
    const rows: RunRow[] = await this.repo.manager.query(
      `${RUNS_SQL.replace('%INNER%', '')}
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY start_date DESC NULLS LAST, execution_arn
       LIMIT $${params.push(limit)}`,
      params,
    );
    return rows.map(toRun);
  }

  async findRun(executionArn: string): Promise<PipelineRun | undefined> {
    const rows: RunRow[] = await this.repo.manager.query(RUNS_SQL.replace('%INNER%', 'AND execution_arn = $1'), [executionArn]);
    return rows[0] ? toRun(rows[0]) : undefined;
  }

  async eventsOf(executionArn: string): Promise<PipelineEventRecord[]> {
    const rows: {
      id: string;
      event_id: string;
      origin: EventOrigin;
      status: string;
      redrive_count: number;
      event_time: Date | null;
      received_at: Date;
    }[] = await this.repo.manager.query(
      `SELECT id, event_id, origin, status, redrive_count, event_time, received_at
       FROM pipeline_events WHERE execution_arn = $1 AND NOT ignored ORDER BY seq`,
      [executionArn],
    );
    return rows.map((r) => ({
      id: r.id,
      eventId: r.event_id,
      origin: r.origin,
      status: r.status,
      redriveCount: r.redrive_count,
      eventTime: r.event_time,
      receivedAt: r.received_at,
    }));
  }

  async seenStatuses(executionArns: string[]): Promise<Set<string>> {
    if (executionArns.length === 0) return new Set();
    const rows: { execution_arn: string; status: string; redrive_count: number }[] = await this.repo.manager.query(
      'SELECT execution_arn, status, redrive_count FROM pipeline_events WHERE execution_arn = ANY($1::text[]) AND NOT ignored',
      [executionArns],
    );
    return new Set(rows.map((r) => statusKey(r.execution_arn, r.status, r.redrive_count)));
  }

  async purgeSettled(cutoff: Date, limit: number): Promise<number> {
    const [, count]: [unknown, number] = await this.repo.query(
      `DELETE FROM pipeline_events WHERE id IN (
         SELECT p.id FROM pipeline_events p
         WHERE p.received_at < $1
           AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.execution_arn = p.execution_arn)
         LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [cutoff, limit],
    );
    return count;
  }
}
