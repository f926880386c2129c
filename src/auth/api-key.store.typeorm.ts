import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';
import { ApiKeyRecord, ApiKeyStore, NewApiKey } from './api-key.store';

@Injectable()
export class TypeOrmApiKeyStore extends ApiKeyStore {
  constructor(@InjectRepository(ApiKeyEntity) private readonly repo: Repository<ApiKeyEntity>) {
    super();
  }

  async insert(key: NewApiKey): Promise<ApiKeyRecord | undefined> {
    const result = await this.repo
      .createQueryBuilder()
      .insert()
      .values(key)
      .orIgnore()
      .returning('*')
      .execute();
    const id = (result.identifiers[0] as { id?: string } | undefined)?.id;
    return id ? this.findById(id) : undefined;
  }

  async upsertByName(key: NewApiKey): Promise<ApiKeyRecord> {
    await this.repo
      .createQueryBuilder()
      .insert()
      .values({ ...key, revokedAt: null })
      .orUpdate(['key_hash', 'roles', 'revoked_at'], ['name'])
      .execute();
    return this.repo.findOneByOrFail({ name: key.name });
  }

  async findActiveByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    return (await this.repo.findOneBy({ keyHash, revokedAt: IsNull() })) ?? undefined;
  }

  async findById(id: string): Promise<ApiKeyRecord | undefined> {
    return (await this.repo.findOneBy({ id })) ?? undefined;
  }

  list(offset: number, limit: number): Promise<ApiKeyRecord[]> {
    return this.repo.find({ order: { createdAt: 'ASC', id: 'ASC' }, skip: offset, take: limit });
  }

  count(): Promise<number> {
    return this.repo.count();
  }

  async revoke(id: string): Promise<ApiKeyRecord | undefined> {
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where('id = :id AND revoked_at IS NULL', { id })
      .execute();
    return this.findById(id);
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.repo.update({ id }, { lastUsedAt: at });
  }
}
