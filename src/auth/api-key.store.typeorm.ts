import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ChangeFeed } from '../database/change-feed';
import { Tx, entityManagerOf } from '../database/transactions';
import { ApiKeyEntity } from './api-key.entity';
import { Role } from './role';
import { ApiKeyRecord, ApiKeyStore, KeyChangeListener, NewApiKey, RevokedApiKey } from './api-key.store';

/** The NOTIFY channel on which replicas announce key changes. */
const CHANNEL = 'modelgate_api_keys';

@Injectable()
export class TypeOrmApiKeyStore extends ApiKeyStore {
  constructor(
    @InjectRepository(ApiKeyEntity) private readonly repo: Repository<ApiKeyEntity>,
    private readonly feed: ChangeFeed,
  ) {
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

  /** On every request: plain SQL, no query builder. */
  async findActiveByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const rows: { id: string; name: string; key_hash: string; roles: Role[]; created_by: string | null; created_at: Date; revoked_at: null; last_used_at: Date | null }[] =
      await this.repo.query('SELECT * FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL', [keyHash]);
    const r = rows[0];
    return r
      ? { id: r.id, name: r.name, keyHash: r.key_hash, roles: r.roles, createdBy: r.created_by, createdAt: r.created_at, revokedAt: null, lastUsedAt: r.last_used_at }
      : undefined;
  }

  async findById(id: string, tx?: Tx): Promise<ApiKeyRecord | undefined> {
    return (await this.repoOf(tx).findOneBy({ id })) ?? undefined;
  }

  async findByName(name: string, tx?: Tx): Promise<ApiKeyRecord | undefined> {
    return (await this.repoOf(tx).findOneBy({ name })) ?? undefined;
  }

  list(limit: number, afterId?: string): Promise<ApiKeyRecord[]> {
    const query = this.repo.createQueryBuilder('k').orderBy('k.created_at', 'ASC').addOrderBy('k.id', 'ASC').limit(limit);
    // The key's own created_at, read in SQL: a cursor carrying it would lose its microseconds.
    if (afterId) query.where('(k.created_at, k.id) > (SELECT a.created_at, a.id FROM api_keys a WHERE a.id = :afterId)', { afterId });
    return query.getMany();
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

  async announceChange(tx: Tx): Promise<void> {
    await this.feed.announce(CHANNEL, '', tx);
  }

  watchChanges(listener: KeyChangeListener): () => Promise<void> {
    return this.feed.watch(CHANNEL, { changed: () => listener.changed(), live: (isLive) => listener.live(isLive) });
  }

  private repoOf(tx: Tx | undefined): Repository<ApiKeyEntity> {
    return entityManagerOf(tx, this.repo.manager).getRepository(ApiKeyEntity);
  }
}
