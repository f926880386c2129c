import { Injectable, Logger } from '@nestjs/common';
import { Page, offsetPage } from '../common/http/pagination';
import { AuthError, AuthErrorCode } from './auth.errors';
import { generateApiKey, hashApiKey, sameHash } from './api-key-secret';
import { ApiKeyRecord, ApiKeyStore } from './api-key.store';
import { Actor, Role } from './role';

export interface IssuedApiKey {
  record: ApiKeyRecord;
  /** Shown once, never stored. */
  key: string;
}

/** Keys longer than this cannot be ours; refuse them before hashing. */
const MAX_KEY_LENGTH = 256;
/** `last_used_at` is a hint for humans; writing it on every request would cost a write per call. */
const TOUCH_INTERVAL_MS = 60_000;

@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);
  private readonly lastTouched = new Map<string, number>();

  constructor(private readonly store: ApiKeyStore) {}

  async create(name: string, roles: Role[], createdBy: string | null): Promise<IssuedApiKey> {
    const key = generateApiKey();
    const record = await this.store.insert({ name, keyHash: hashApiKey(key), roles: [...new Set(roles)], createdBy });
    if (!record) throw new AuthError(AuthErrorCode.API_KEY_NAME_TAKEN, `An API key named "${name}" already exists`);
    this.logger.log({ key_id: record.id, name, roles: record.roles, created_by: createdBy }, 'API key created');
    return { record, key };
  }

  async list(offset: number, limit: number): Promise<Page<ApiKeyRecord>> {
    return offsetPage(await this.store.list(offset, limit + 1), limit, offset);
  }

  async revoke(id: string, by: string): Promise<ApiKeyRecord> {
    const record = await this.store.revoke(id);
    if (!record) throw new AuthError(AuthErrorCode.API_KEY_NOT_FOUND, `No API key with id ${id}`);
    this.logger.log({ key_id: id, name: record.name, revoked_by: by }, 'API key revoked');
    return record;
  }

  /** The actor a presented key belongs to, or undefined when it is unknown or revoked. */
  async authenticate(presented: string): Promise<Actor | undefined> {
    if (presented.length === 0 || presented.length > MAX_KEY_LENGTH) return undefined;
    const hash = hashApiKey(presented);
    const record = await this.store.findActiveByHash(hash);
    if (!record || !sameHash(record.keyHash, hash)) return undefined;
    this.touch(record.id);
    return { key_id: record.id, name: record.name, roles: record.roles };
  }

  /** `ADMIN_API_KEY`: the key called "admin" has exactly this value (rotating it if it changed). */
  async ensureAdminKey(key: string): Promise<void> {
    const record = await this.store.upsertByName({ name: 'admin', keyHash: hashApiKey(key), roles: [Role.ADMIN], createdBy: null });
    this.logger.log({ key_id: record.id }, 'admin API key from ADMIN_API_KEY is in place');
  }

  /**
   * On a database with no key at all, issues a first admin key. Returns it, or undefined when some
   * key exists (possibly made by another replica at the same moment).
   */
  async issueFirstAdminKey(): Promise<string | undefined> {
    if ((await this.store.count()) > 0) return undefined;
    const key = generateApiKey();
    const record = await this.store.insert({ name: 'admin', keyHash: hashApiKey(key), roles: [Role.ADMIN], createdBy: null });
    return record ? key : undefined;
  }

  private touch(id: string): void {
    const now = Date.now();
    if (now - (this.lastTouched.get(id) ?? 0) < TOUCH_INTERVAL_MS) return;
    this.lastTouched.set(id, now);
    this.store.touch(id, new Date(now)).catch((err: unknown) => this.logger.warn({ err, key_id: id }, 'could not record key use'));
  }
}
