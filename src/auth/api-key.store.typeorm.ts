import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Client } from 'pg';
import { Repository } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { Tx, entityManagerOf } from '../database/transactions';
import { ApiKeyEntity } from './api-key.entity';
import { Role } from './role';
import { ApiKeyRecord, ApiKeyStore, KeyChangeListener, NewApiKey, RevokedApiKey } from './api-key.store';

/** The NOTIFY channel on which replicas announce key changes. */
const CHANNEL = 'modelgate_api_keys';

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

  async announceChange(tx: Tx): Promise<void> {
    await entityManagerOf(tx, this.repo.manager).query('SELECT pg_notify($1, $2)', [CHANNEL, '']);
  }

  watchChanges(listener: KeyChangeListener): () => Promise<void> {
    const { url } = this.repo.manager.connection.options as PostgresConnectionOptions;
    let client: Client | undefined;
    let stopped = false;
    let retryMs = 100;
    // A client we let go must keep an error listener: pg emits late errors (e.g. at server shutdown).
    const release = (c: Client): Promise<void> => {
      c.removeAllListeners();
      c.on('error', () => undefined);
      return c.end().catch(() => undefined);
    };
    const connect = async () => {
      if (stopped) return;
      const c = new Client({ connectionString: url, application_name: 'modelgate-key-feed' });
      let gone = false;
      const down = () => {
        if (gone) return;
        gone = true;
        listener.live(false);
        void release(c);
        if (client === c) client = undefined;
        if (!stopped) setTimeout(() => void connect(), (retryMs = Math.min(retryMs * 2, 5000))).unref();
      };
      c.on('error', down);
      c.on('end', down);
      c.on('notification', () => listener.changed());
      try {
        await c.connect();
        await c.query(`LISTEN ${CHANNEL}`);
      } catch {
        down();
        return;
      }
      if (stopped) {
        gone = true;
        await release(c);
        return;
      }
      client = c;
      retryMs = 100;
      listener.live(true);
    };
    void connect();
    return async () => {
      stopped = true;
      const c = client;
      client = undefined;
      if (c) await release(c);
    };
  }

  private repoOf(tx: Tx | undefined): Repository<ApiKeyEntity> {
    return entityManagerOf(tx, this.repo.manager).getRepository(ApiKeyEntity);
  }
}
