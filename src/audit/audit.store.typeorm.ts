import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, SelectQueryBuilder } from 'typeorm';
import { Tx, entityManagerOf } from '../database/transactions';
import type { Stage } from '../common/stage';
import { AuditAction } from './audit-action';
import { AuditEvent } from './audit-entry';
import { AuditEventEntity } from './audit-event.entity';
import { AuditFilter, AuditStore, ChainHead } from './audit.store';

function toEvent(e: AuditEventEntity): AuditEvent {
  return {
    seq: Number(e.seq),
    // timestamptz keeps the app's milliseconds exactly (a CHECK refuses finer ones), so this is the hashed text.
    at: e.at.toISOString(),
    actor: e.actor,
    action: e.action as AuditAction,
    model: e.model,
    version: e.version,
    from_stage: e.fromStage as Stage | null,
    to_stage: e.toStage as Stage | null,
    reason: e.reason,
    details: e.details,
    prev_hash: e.prevHash,
    hash: e.hash,
  };
}

@Injectable()
export class TypeOrmAuditStore extends AuditStore {
  constructor(@InjectRepository(AuditEventEntity) private readonly repo: Repository<AuditEventEntity>) {
    super();
  }

  async head(tx: Tx): Promise<ChainHead | undefined> {
    const rows: { seq: string; hash: string }[] = await entityManagerOf(tx, this.repo.manager).query(
      'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1',
    );
    return rows[0] ? { seq: Number(rows[0].seq), hash: rows[0].hash } : undefined;
  }

  async insert(event: AuditEvent, tx: Tx): Promise<void> {
    // at goes in as the hashed ISO text; details as JSON text, which jsonb stores value for value.
    await entityManagerOf(tx, this.repo.manager).query(
      `INSERT INTO audit_events (seq, at, actor, action, model, version, from_stage, to_stage, reason, details, prev_hash, hash)
       VALUES ($1, $2::timestamptz, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12)`,
      [
        event.seq,
        event.at,
        event.actor,
        event.action,
        event.model,
        event.version,
        event.from_stage,
        event.to_stage,
        event.reason,
        JSON.stringify(event.details),
        event.prev_hash,
        event.hash,
      ],
    );
  }

  async newestFirst(filter: AuditFilter, beforeSeq: number | undefined, limit: number): Promise<AuditEvent[]> {
    const qb = this.filtered(filter);
    if (beforeSeq !== undefined) qb.andWhere('e.seq < :beforeSeq', { beforeSeq });
    return (await qb.orderBy('e.seq', 'DESC').limit(limit).getMany()).map(toEvent);
  }

  async oldestFirst(filter: AuditFilter, afterSeq: number, upToSeq: number, limit: number): Promise<AuditEvent[]> {
    const qb = this.filtered(filter).andWhere('e.seq > :afterSeq AND e.seq <= :upToSeq', { afterSeq, upToSeq });
    return (await qb.orderBy('e.seq', 'ASC').limit(limit).getMany()).map(toEvent);
  }

  async lastSeq(): Promise<number> {
    const rows: { seq: string }[] = await this.repo.query('SELECT coalesce(max(seq), 0) AS seq FROM audit_events');
    return Number(rows[0].seq);
  }

  private filtered(filter: AuditFilter): SelectQueryBuilder<AuditEventEntity> {
    const qb = this.repo.createQueryBuilder('e');
    if (filter.model !== undefined) qb.andWhere('e.model = :model', { model: filter.model });
    if (filter.version !== undefined) qb.andWhere('e.version = :version', { version: filter.version });
    if (filter.actions?.length) qb.andWhere('e.action IN (:...actions)', { actions: filter.actions });
    if (filter.actor !== undefined) qb.andWhere('e.actor = :actor', { actor: filter.actor });
    if (filter.toStage !== undefined) qb.andWhere('e.to_stage = :toStage', { toStage: filter.toStage });
    if (filter.since) qb.andWhere('e.at >= :since', { since: filter.since });
    if (filter.until) qb.andWhere('e.at < :until', { until: filter.until });
    return qb;
  }
}
