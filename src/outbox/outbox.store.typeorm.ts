import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Tx, entityManagerOf } from '../database/transactions';
import { valuesList } from '../database/values-list';
import type { OutboxItem } from './outbox.types';
import { OutboxEntity } from './outbox.entity';
import { AttemptRecord, OutboxFilter, OutboxRowToAdd, OutboxStore, ReleasedRow } from './outbox.store';

const COLUMN_NAMES = [
  'id', 'seq', 'kind', 'dedupe_key', 'recipient', 'project', 'execution_arn', 'payload', 'status', 'attempts',
  'next_attempt_at', 'last_error', 'created_at', 'updated_at', 'delivered_at',
];
const COLUMNS = COLUMN_NAMES.join(', ');
/** The columns of table alias `alias`, where a statement joins another relation with the same names. */
const prefixed = (alias: string) => COLUMN_NAMES.map((c) => `${alias}.${c}`).join(', ');

interface OutboxRow {
  id: string;
  seq: string;
  kind: OutboxItem['kind'];
  dedupe_key: string;
  recipient: string | null;
  project: string | null;
  execution_arn: string | null;
  payload: OutboxItem['payload'];
  status: OutboxItem['status'];
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  delivered_at: Date | null;
}

function toItem(r: OutboxRow): OutboxItem {
  return {
    id: r.id,
    seq: Number(r.seq),
    kind: r.kind,
    dedupeKey: r.dedupe_key,
    recipient: r.recipient,
    project: r.project,
    executionArn: r.execution_arn,
    payload: r.payload,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    deliveredAt: r.delivered_at,
  };
}

/** JSON of a payload; the rows of one notice (one per recipient) share it, so it is serialised once. */
function serialiseOnce(): (payload: object) => string {
  const json = new Map<object, string>();
  return (payload) => json.get(payload) ?? json.set(payload, JSON.stringify(payload)).get(payload)!;
}

/** Raw SQL where it matters: ON CONFLICT for idempotency, SKIP LOCKED for leasing, unnest for batches. */
@Injectable()
export class TypeOrmOutboxStore extends OutboxStore {
  constructor(@InjectRepository(OutboxEntity) private readonly repo: Repository<OutboxEntity>) {
    super();
  }

  private manager(tx?: Tx): EntityManager {
    return entityManagerOf(tx, this.repo.manager);
  }

  async insert(tx: Tx, rows: OutboxRowToAdd[]): Promise<Map<string, string>> {
    if (rows.length === 0) return new Map();
    const jsonOf = serialiseOnce();
    const { sql, params } = valuesList(
      rows.map((r) => [r.kind, r.dedupeKey, r.recipient, r.project, r.executionArn, jsonOf(r.payload), Math.round(r.holdMs ?? 0)]),
      [undefined, undefined, undefined, undefined, undefined, 'jsonb', 'int'],
    );
    const added: { id: string; dedupe_key: string }[] = await this.manager(tx).query(
      `INSERT INTO outbox (kind, dedupe_key, recipient, project, execution_arn, payload, next_attempt_at)
       SELECT kind, dedupe_key, recipient, project, execution_arn, payload, now() + hold_ms * interval '1 millisecond'
       FROM (VALUES ${sql}) AS t(kind, dedupe_key, recipient, project, execution_arn, payload, hold_ms)
       ON CONFLICT (dedupe_key) DO NOTHING
       RETURNING id, dedupe_key`,
      params,
    );
    return new Map(added.map((r) => [r.dedupe_key, r.id]));
  }

  async release(rows: ReleasedRow[]): Promise<void> {
    if (rows.length === 0) return;
    const jsonOf = serialiseOnce();
    const { sql, params } = valuesList(
      rows.map((r) => [r.id, r.payload === undefined ? null : jsonOf(r.payload)]),
      ['uuid', 'jsonb'],
    );
    // attempts = 0 and no lease: a row the worker took once its hold ended is not changed under it.
    await this.manager().query(
      `UPDATE outbox AS o SET
         next_attempt_at = LEAST(o.next_attempt_at, now()),
         payload = COALESCE(u.payload, o.payload),
         updated_at = now()
       FROM (VALUES ${sql}) AS u(id, payload)
       WHERE o.id = u.id AND o.status = 'pending' AND o.attempts = 0 AND o.lease_owner IS NULL`,
      params,
    );
  }

  async claimDue(limit: number, lease: { owner: string; ms: number }): Promise<OutboxItem[]> {
    // SKIP LOCKED keeps concurrent claims apart; a claim that commits first is seen by the others' re-check of the lease.
    const [rows]: [OutboxRow[], number] = await this.manager().query(
      `UPDATE outbox AS o SET
         lease_owner = $2,
         leased_until = clock_timestamp() + $3 * interval '1 millisecond',
         attempts = o.attempts + 1,
         updated_at = clock_timestamp()
       FROM (
         SELECT id FROM outbox
         WHERE status = 'pending' AND next_attempt_at <= now() AND (leased_until IS NULL OR leased_until <= now())
         ORDER BY next_attempt_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED
       ) AS due
       WHERE o.id = due.id
       RETURNING ${prefixed('o')}`,
      [limit, lease.owner, Math.round(lease.ms)],
    );
    return rows.map(toItem);
  }

  async recordAttempts(tx: Tx, records: AttemptRecord[]): Promise<string[]> {
    if (records.length === 0) return [];
    // clock_timestamp(), not now(): the retry delay counts from when the outcome is known.
    const [rows]: [{ id: string }[], number] = await this.manager(tx).query(
      `UPDATE outbox AS o SET
         status = u.status,
         last_error = u.error,
         next_attempt_at = CASE WHEN u.status = 'pending' THEN clock_timestamp() + u.delay_ms * interval '1 millisecond' ELSE o.next_attempt_at END,
         delivered_at = CASE WHEN u.status = 'delivered' THEN clock_timestamp() ELSE NULL END,
         updated_at = clock_timestamp(),
         lease_owner = NULL,
         leased_until = NULL
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::bigint[]) AS u(id, lease_owner, status, error, delay_ms)
       WHERE o.id = u.id AND o.lease_owner = u.lease_owner AND o.status = 'pending'
       RETURNING o.id`,
      [
        records.map((r) => r.id),
        records.map((r) => r.leaseOwner),
        records.map((r) => r.status),
        records.map((r) => r.error),
        records.map((r) => Math.round(r.delayMs)),
      ],
    );
    return rows.map((r) => r.id);
  }

  async list(filter: OutboxFilter): Promise<OutboxItem[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status) where.push(`status = $${params.push(filter.status)}`);
    if (filter.kind) where.push(`kind = $${params.push(filter.kind)}`);
    if (filter.beforeSeq !== undefined) where.push(`seq < $${params.push(filter.beforeSeq)}`);
    const rows: OutboxRow[] = await this.manager().query(
      `SELECT ${COLUMNS} FROM outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY seq DESC LIMIT $${params.push(filter.limit)}`,
      params,
    );
    return rows.map(toItem);
  }

  async findById(id: string): Promise<OutboxItem | undefined> {
    const rows: OutboxRow[] = await this.manager().query(`SELECT ${COLUMNS} FROM outbox WHERE id = $1`, [id]);
    return rows[0] ? toItem(rows[0]) : undefined;
  }

  async listByExecutions(executionArns: string[]): Promise<OutboxItem[]> {
    if (executionArns.length === 0) return [];
    const rows: OutboxRow[] = await this.manager().query(
      `SELECT ${COLUMNS} FROM outbox WHERE execution_arn = ANY($1::text[]) ORDER BY seq`,
      [executionArns],
    );
    return rows.map(toItem);
  }

  async revive(id: string): Promise<OutboxItem | undefined> {
    // TypeORM answers an UPDATE with [rows, count].
    const [rows]: [OutboxRow[], number] = await this.manager().query(
      `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = now(), updated_at = now()
       WHERE id = $1 AND status = 'dead'
       RETURNING ${COLUMNS}`,
      [id],
    );
    return rows[0] ? toItem(rows[0]) : undefined;
  }

  async pendingSummary(): Promise<{ pending: number; oldestCreatedAt: Date | null }> {
    const rows: { pending: string; oldest: Date | null }[] = await this.manager().query(
      `SELECT count(*) AS pending, min(created_at) AS oldest FROM outbox WHERE status = 'pending'`,
    );
    return { pending: Number(rows[0].pending), oldestCreatedAt: rows[0].oldest };
  }

  async purgeDelivered(cutoff: Date, limit: number): Promise<number> {
    const [, count]: [unknown, number] = await this.repo.query(
      `DELETE FROM outbox WHERE id IN (
         SELECT id FROM outbox WHERE status = 'delivered' AND delivered_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [cutoff, limit],
    );
    return count;
  }
}
