import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ProjectSettings } from './project.store';

@Entity('projects')
export class ProjectEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 63 })
  name!: string;

  @Column({ type: 'varchar', length: 200 })
  version!: string;

  @Column({ name: 'model_name', type: 'varchar', length: 256 })
  modelName!: string;

  @Column({ name: 'state_machine_name', type: 'varchar', length: 80 })
  stateMachineName!: string;

  @Column({ name: 'state_machine_arn', type: 'varchar', length: 256, nullable: true })
  stateMachineArn!: string | null;

  /** The document as written, unknown keys kept. */
  @Column({ type: 'jsonb' })
  config!: Record<string, unknown>;

  /** The settings with defaults resolved when it was saved: what is enforced is what was validated. */
  @Column({ type: 'jsonb' })
  resolved!: ProjectSettings;

  @Column({ type: 'text' })
  raw!: string;

  @Column({ name: 'config_hash', type: 'char', length: 64 })
  configHash!: string;

  @Column({ type: 'varchar', length: 8 })
  source!: 'file' | 'api';

  @Column({ name: 'source_path', type: 'text', nullable: true })
  sourcePath!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'updated_by', type: 'varchar', length: 100, nullable: true })
  updatedBy!: string | null;
}

@Entity('project_files')
export class ProjectFileEntity {
  @Column({ primary: true, type: 'text' })
  path!: string;

  @Column({ name: 'loaded_hash', type: 'char', length: 64, nullable: true })
  loadedHash!: string | null;

  @Column({ name: 'project_name', type: 'varchar', length: 63, nullable: true })
  projectName!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  problems!: { path: string; message: string; line?: number; column?: number }[] | null;

  @Column({ name: 'checked_at', type: 'timestamptz' })
  checkedAt!: Date;
}
