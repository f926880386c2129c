import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { JsonObject } from '../common/canonical-json';

/** A row of the append-only, hash-chained audit log (migration CreateAuditEvents). */
@Entity('audit_events')
export class AuditEventEntity {
  /** bigint: the driver hands it over as a string. */
  @PrimaryColumn({ type: 'bigint' })
  seq!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'text' })
  actor!: string;

  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ type: 'text', nullable: true })
  model!: string | null;

  @Column({ type: 'text', nullable: true })
  version!: string | null;

  @Column({ name: 'from_stage', type: 'varchar', length: 20, nullable: true })
  fromStage!: string | null;

  @Column({ name: 'to_stage', type: 'varchar', length: 20, nullable: true })
  toStage!: string | null;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ type: 'jsonb' })
  details!: JsonObject;

  @Column({ name: 'prev_hash', type: 'char', length: 64 })
  prevHash!: string;

  @Column({ type: 'char', length: 64 })
  hash!: string;
}
