import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, MoreThan, Not, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Tx, entityManagerOf } from '../database/transactions';
import { ProjectEntity, ProjectFileEntity } from './project.entity';
import { ProjectFileRecord, ProjectFileStore, ProjectRecord, ProjectSettings, ProjectStore, ProjectWrite } from './project.store';
import { DEFAULT_DRIFT_SETTINGS, DEFAULT_STAGE_ALIASES } from './project.types';
import { modelAlreadyClaimed } from './projects.errors';
import { parseRecipient } from './recipient';

const MODEL_UNIQUE = 'projects_model_name_unique';

const isUniqueViolation = (err: unknown, constraint: string): boolean => {
  const e = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const driver = e.driverError ?? e;
  return driver.code === '23505' && driver.constraint === constraint;
};

/** Settings saved before a setting existed get its default, as a config without it would. */
function withLaterDefaults(saved: ProjectSettings): ProjectSettings {
  const owner = saved.owners.techOwner;
  const ownerRecipient = owner !== undefined && !('problem' in parseRecipient(owner)) ? [owner] : [];
  return {
    ...saved,
    registry: saved.registry ?? 'stages',
    stageAliases: saved.stageAliases ?? { ...DEFAULT_STAGE_ALIASES },
    provenanceTags: saved.provenanceTags ?? true,
    notifications: { ...saved.notifications, onDrift: saved.notifications.onDrift ?? ownerRecipient },
    drift: { ...DEFAULT_DRIFT_SETTINGS, ...saved.drift },
  };
}

function toRecord(e: ProjectEntity): ProjectRecord {
  return {
    id: e.id,
    name: e.name,
    settings: withLaterDefaults(e.resolved),
    config: e.config,
    raw: e.raw,
    configHash: e.configHash,
    source: e.source,
    sourcePath: e.sourcePath,
    updatedBy: e.updatedBy,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

const maybe = (e: ProjectEntity | null) => (e ? toRecord(e) : undefined);

@Injectable()
export class TypeOrmProjectStore extends ProjectStore {
  constructor(@InjectRepository(ProjectEntity) private readonly repo: Repository<ProjectEntity>) {
    super();
  }

  async save(w: ProjectWrite, tx?: Tx): Promise<ProjectRecord> {
    const em = entityManagerOf(tx, this.repo.manager);
    // jsonb columns take plain objects; TypeORM's deep-partial type cannot see that.
    const row = {
      name: w.name,
      version: w.settings.version,
      modelName: w.settings.modelName,
      stateMachineName: w.settings.stateMachineName,
      stateMachineArn: w.settings.stateMachineArn ?? null,
      config: w.config,
      resolved: w.settings,
      raw: w.raw,
      configHash: w.configHash,
      source: w.source,
      sourcePath: w.sourcePath,
      updatedBy: w.updatedBy,
      updatedAt: () => 'now()',
    } as QueryDeepPartialEntity<ProjectEntity>;
    try {
      await em
        .createQueryBuilder()
        .insert()
        .into(ProjectEntity)
        .values(row)
        .orUpdate(
          ['version', 'model_name', 'state_machine_name', 'state_machine_arn', 'config', 'resolved', 'raw', 'config_hash', 'source', 'source_path', 'updated_by', 'updated_at'],
          ['name'],
        )
        .execute();
    } catch (err) {
      // The unique constraint settles a race between two projects claiming one model.
      if (isUniqueViolation(err, MODEL_UNIQUE)) throw modelAlreadyClaimed(w.settings.modelName, undefined);
      throw err;
    }
    return toRecord(await em.findOneByOrFail(ProjectEntity, { name: w.name }));
  }

  async delete(name: string, tx?: Tx): Promise<boolean> {
    const result = await entityManagerOf(tx, this.repo.manager).delete(ProjectEntity, { name });
    return (result.affected ?? 0) > 0;
  }

  async findByName(name: string, tx?: Tx): Promise<ProjectRecord | undefined> {
    return maybe(await entityManagerOf(tx, this.repo.manager).findOneBy(ProjectEntity, { name }));
  }

  async findByModel(modelName: string, tx?: Tx): Promise<ProjectRecord | undefined> {
    return maybe(await entityManagerOf(tx, this.repo.manager).findOneBy(ProjectEntity, { modelName }));
  }

  async findByStateMachineArn(arns: string[]): Promise<ProjectRecord | undefined> {
    return maybe(await this.repo.findOne({ where: { stateMachineArn: In(arns) }, order: { name: 'ASC' } }));
  }

  async findByStateMachineName(name: string): Promise<ProjectRecord | undefined> {
    return maybe(await this.repo.findOne({ where: { stateMachineName: name, stateMachineArn: IsNull() }, order: { name: 'ASC' } }));
  }

  async list(after: string | undefined, limit: number): Promise<ProjectRecord[]> {
    const rows = await this.repo.find({
      where: after === undefined ? {} : { name: MoreThan(after) },
      order: { name: 'ASC' },
      take: limit,
    });
    return rows.map(toRecord);
  }
}

@Injectable()
export class TypeOrmProjectFileStore extends ProjectFileStore {
  constructor(@InjectRepository(ProjectFileEntity) private readonly repo: Repository<ProjectFileEntity>) {
    super();
  }

  async find(path: string, tx?: Tx): Promise<ProjectFileRecord | undefined> {
    return (await entityManagerOf(tx, this.repo.manager).findOneBy(ProjectFileEntity, { path })) ?? undefined;
  }

  async save(record: Omit<ProjectFileRecord, 'checkedAt'>, tx?: Tx): Promise<void> {
    await entityManagerOf(tx, this.repo.manager)
      .createQueryBuilder()
      .insert()
      .into(ProjectFileEntity)
      .values({ ...record, checkedAt: () => 'now()' })
      .orUpdate(['loaded_hash', 'project_name', 'problems', 'checked_at'], ['path'])
      .execute();
  }

  listWithProblems(): Promise<ProjectFileRecord[]> {
    return this.repo.find({ where: { problems: Not(IsNull()) }, order: { path: 'ASC' } });
  }

  async clearProblemsExcept(paths: string[], tx?: Tx): Promise<void> {
    const qb = entityManagerOf(tx, this.repo.manager)
      .createQueryBuilder()
      .update(ProjectFileEntity)
      .set({ problems: null })
      .where('problems IS NOT NULL');
    if (paths.length > 0) qb.andWhere('path NOT IN (:...paths)', { paths });
    await qb.execute();
  }
}
