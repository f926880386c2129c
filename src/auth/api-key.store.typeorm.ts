import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { Tx, entityManagerOf } from '../database/transactions';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeyRecord, ApiKeyStore, NewApiKey, RevokedApiKey } from './api-key.store';

@Injectable()
export class TypeOrmApiKeyStore extends ApiKeyStore {
  constructor(@InjectRepository(ApiKeyEntity) private readonly repo: Repository<ApiKeyEntity>) {
    super();
  }

  async insert(key: NewApiKey, tx?: Tx): Promise<ApiKeyRecord | undefined> {
    const result = await this.repoOf(tx)
      .createQueryBuilder()
      .insert()
      .values(key)
      .orIgnore()
      .returning('*')
      .execute();
    const id = (result.identifiers[0] as { id?: string } | undefined)?.id;
    return id ? this.findById(id, tx) : undefined;
  }

  async upsertByName(key: NewApiKey, tx?: Tx): Promise<ApiKeyRecord> {
    const repo = this.repoOf(tx);
    await repo
      .createQueryBuilder()
      .insert()
      .values({ ...key, revokedAt: null })
      .orUpdate(['key_hash', 'roles', 'revoked_at'], ['name'])
      .execute();
    return repo.findOneByOrFail({ name: key.name });
  }

  async findActiveByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    return (await this.repo.findOneBy({ keyHash, revokedAt: IsNull() })) ?? undefined;
  }

  async findById(id: string, tx?: Tx): Promise<ApiKeyRecord | undefined> {
    return (await this.repoOf(tx).findOneBy({ id })) ?? undefined;
  }

  async findByName(name: string, tx?: Tx): Promise<ApiKeyRecord | undefined> {
    return (await this.repoOf(tx).findOneBy({ name })) ?? undefined;
  }

  list(offset: number, limit: number): Promise<ApiKeyRecord[]> {
    return this.repo.find({ order: { createdAt: 'ASC', id: 'ASC' }, skip: offset, take: limit });
  }

  count(tx?: Tx): Promise<number> {
    return this.repoOf(tx).count();
  }

  async revoke(id: string, tx?: Tx): Promise<RevokedApiKey | undefined> {
    const result = await this.repoOf(tx)
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where('id = :id AND revoked_at IS NULL', { id })
      .execute();
    const record = await this.findById(id, tx);
    return record ? { record, revokedNow: (result.affected ?? 0) > 0 } : undefined;
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.repo.update({ id }, { lastUsedAt: at });
  }

  private repoOf(tx: Tx | undefined): Repository<ApiKeyEntity> {
    return entityManagerOf(tx, this.repo.manager).getRepository(ApiKeyEntity);
  }
}
