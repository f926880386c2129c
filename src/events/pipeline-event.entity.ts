import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The `pipeline_events` table (migration 1763900300000). Read and written with raw SQL in the store. */
@Entity('pipeline_events')
export class PipelineEventEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'bigint', insert: false, update: false })
  seq!: string;

  @Column({ name: 'event_id', type: 'varchar', length: 256 })
  eventId!: string;

  @Column({ type: 'varchar', length: 256 })
  source!: string;

  @Column({ name: 'detail_type', type: 'varchar', length: 256 })
  detailType!: string;

  @Column({ type: 'varchar', length: 20 })
  origin!: string;

  @Column({ type: 'boolean' })
  ignored!: boolean;

  @Column({ name: 'execution_arn', type: 'varchar', length: 2048, nullable: true })
  executionArn!: string | null;

  @Column({ name: 'execution_name', type: 'varchar', length: 256, nullable: true })
  executionName!: string | null;

  @Column({ name: 'state_machine_arn', type: 'varchar', length: 2048, nullable: true })
  stateMachineArn!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  project!: string | null;

  @Column({ name: 'project_version', type: 'varchar', length: 100, nullable: true })
  projectVersion!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  status!: string | null;

  @Column({ name: 'redrive_count', type: 'integer', nullable: true })
  redriveCount!: number | null;

  @Column({ name: 'start_date', type: 'timestamptz', nullable: true })
  startDate!: Date | null;

  @Column({ name: 'stop_date', type: 'timestamptz', nullable: true })
  stopDate!: Date | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'text', nullable: true })
  cause!: string | null;

  @Column({ name: 'event_time', type: 'timestamptz', nullable: true })
  eventTime!: Date | null;

  @Column({ type: 'jsonb' })
  raw!: Record<string, unknown>;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}
