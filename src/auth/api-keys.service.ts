import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AuditAction } from '../audit/audit-action';
import { AuditLog } from '../audit/audit-log.service';
import { Keyset, Page, cursorField } from '../common/http/pagination';
import { Transactions, Tx } from '../database/transactions';
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
/** Oldest first: the next page starts after the last key listed. */
const KEY_PAGES = new Keyset<{ after_id: string }>({ after_id: cursorField.uuid });
/** `last_used_at` is a hint for humans; writing it on every request would cost a write per call. */
const TOUCH_INTERVAL_MS = 60_000;
/** The audit actor of keys modelgate makes itself at start; ':' cannot occur in a key name. */
export const STARTUP_ACTOR = 'system:startup';
/** How long a verified key is answered from memory while the change feed is live. */
const VERIFIED_KEY_MS = 60_000;
/** How long a verified key is still honoured while PostgreSQL is unreachable. */
const DB_OUTAGE_GRACE_MS = 5 * 60_000;
/** Serialises the start-up key checks of replicas starting together. */
const BOOTSTRAP_LOCK = 'api-keys:bootstrap';

@Injectable()
export class ApiKeysService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ApiKeysService.name);
  private readonly lastTouched = new Map<string, number>();
  /**
   * Keys verified against the database (by sha256). Answered from memory while the change feed is
   * live (a revocation anywhere clears it at once); used as a fallback while PostgreSQL is down.
   */
  private readonly checked = new Map<string, { actor: Actor; at: number }>();
  private feedLive = false;
  private stopFeed?: () => Promise<void>;

  constructor(
    private readonly store: ApiKeyStore,
    private readonly transactions: Transactions,
    private readonly audit: AuditLog,
  ) {}

  onModuleInit(): void {
    this.stopFeed = this.store.watchChanges({
      changed: () => this.checked.clear(),
      live: (isLive) => {
        // Announcements may have been missed while the feed was down: start again from the database.
        if (isLive && !this.feedLive) this.checked.clear();
        this.feedLive = isLive;
      },
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.stopFeed?.();
  }

  async create(name: string, roles: Role[], createdBy: string): Promise<IssuedApiKey> {
    const key = generateApiKey();
    const record = await this.transactions.run(async (tx) => {
      const inserted = await this.store.insert({ name, keyHash: hashApiKey(key), roles: [...new Set(roles)], createdBy }, tx);
      if (!inserted) throw new AuthError(AuthErrorCode.API_KEY_NAME_TAKEN, `An API key named "${name}" already exists`);
      await this.auditCreated(inserted, createdBy, tx);
      return inserted;
    });
    this.logger.log({ key_id: record.id, name, roles: record.roles, created_by: createdBy }, 'API key created');
    return { record, key };
  }

  /** Oldest first; the page token carries the last key's id. */
  async list(limit: number, pageToken?: string): Promise<Page<ApiKeyRecord>> {
    const after = KEY_PAGES.decode(pageToken)?.after_id;
    return KEY_PAGES.page(await this.store.list(limit + 1, after), limit, (last) => ({ after_id: last.id }));
  }

  /** The actor of the unrevoked key called `name` (for identities linked to a key name), or undefined. Always asks the database. */
  async activeActor(name: string): Promise<Actor | undefined> {
    const record = await this.store.findByName(name);
    return record && !record.revokedAt ? { key_id: record.id, name: record.name, roles: record.roles } : undefined;
  }

  /** Revokes the key; revoking it again changes nothing and records nothing. */
  async revoke(id: string, by: string): Promise<ApiKeyRecord> {
    const revoked = await this.transactions.run(async (tx) => {
      const result = await this.store.revoke(id, tx);
      if (!result) throw new AuthError(AuthErrorCode.API_KEY_NOT_FOUND, `No API key with id ${id}`);
      await this.store.announceChange(tx);
      if (result.revokedNow) {
        const details = { key_id: id, name: result.record.name, roles: result.record.roles };
        await this.audit.append({ actor: by, action: AuditAction.API_KEY_REVOKED, details }, tx);
      }
      return result;
    });
    this.checked.clear();
    if (revoked.revokedNow) this.logger.log({ key_id: id, name: revoked.record.name, revoked_by: by }, 'API key revoked');
    return revoked.record;
  }

  /**
   * The actor a presented key belongs to, or undefined when it is unknown or revoked. A key verified
   * in the last minute while the change feed is live is answered at once, without a promise (every
   * request asks). While PostgreSQL cannot be asked, a key this process checked in the last minutes
   * still identifies its caller (so the deploy gate can answer its own fail-closed 503); any other
   * key gets AUTH_UNAVAILABLE.
   */
  authenticate(presented: string): Actor | undefined | Promise<Actor | undefined> {
    if (presented.length === 0 || presented.length > MAX_KEY_LENGTH) return undefined;
    const hash = hashApiKey(presented);
    const known = this.feedLive ? this.checked.get(hash) : undefined;
    if (known && Date.now() - known.at <= VERIFIED_KEY_MS) {
      this.touch(known.actor.key_id);
      return known.actor;
    }
    return this.verify(hash);
  }

  private async verify(hash: string): Promise<Actor | undefined> {
    let record: ApiKeyRecord | undefined;
    try {
      record = await this.store.findActiveByHash(hash);
    } catch (err) {
      return this.recentlyChecked(hash, err);
    }
    if (!record || !sameHash(record.keyHash, hash)) {
      this.checked.delete(hash);
      return undefined;
    }
    this.touch(record.id);
    const actor = { key_id: record.id, name: record.name, roles: record.roles };
    this.checked.set(hash, { actor, at: Date.now() });
    return actor;
  }

  private recentlyChecked(hash: string, err: unknown): Actor {
    const hit = this.checked.get(hash);
    if (hit && Date.now() - hit.at <= DB_OUTAGE_GRACE_MS) return hit.actor;
    this.logger.error({ err }, 'API keys cannot be checked: the database does not answer');
    throw new AuthError(AuthErrorCode.AUTH_UNAVAILABLE, 'API keys cannot be checked right now; try again shortly');
  }

  /** `ADMIN_API_KEY`: the key called "admin" has exactly this value (rotating it if it changed). */
  async ensureAdminKey(key: string): Promise<void> {
    const keyHash = hashApiKey(key);
    const record = await this.transactions.run(async (tx) => {
      await this.transactions.lock(tx, BOOTSTRAP_LOCK);
      const current = await this.store.findByName('admin', tx);
      const unchanged = current && !current.revokedAt && sameHash(current.keyHash, keyHash) && current.roles.join() === Role.ADMIN;
      if (unchanged) return current;
      const upserted = await this.store.upsertByName({ name: 'admin', keyHash, roles: [Role.ADMIN], createdBy: null }, tx);
      await this.store.announceChange(tx);
      await this.auditCreated(upserted, STARTUP_ACTOR, tx, { source: 'ADMIN_API_KEY', replaced_previous: current !== undefined });
      return upserted;
    });
    this.logger.log({ key_id: record.id }, 'admin API key from ADMIN_API_KEY is in place');
  }

  /**
   * On a database with no key at all, issues a first admin key. Returns it, or undefined when some
   * key exists (possibly made by another replica at the same moment).
   */
  async issueFirstAdminKey(): Promise<string | undefined> {
    const key = generateApiKey();
    return this.transactions.run(async (tx) => {
      await this.transactions.lock(tx, BOOTSTRAP_LOCK);
      if ((await this.store.count(tx)) > 0) return undefined;
      const record = await this.store.insert({ name: 'admin', keyHash: hashApiKey(key), roles: [Role.ADMIN], createdBy: null }, tx);
      if (!record) return undefined;
      await this.auditCreated(record, STARTUP_ACTOR, tx, { source: 'first start' });
      return key;
    });
  }

  /** Never the key nor its hash: only what identifies it. */
  private async auditCreated(record: ApiKeyRecord, actor: string, tx: Tx, extra: Record<string, unknown> = {}): Promise<void> {
    const details = { key_id: record.id, name: record.name, roles: record.roles, ...extra };
    await this.audit.append({ actor, action: AuditAction.API_KEY_CREATED, details }, tx);
  }

  private touch(id: string): void {
    const now = Date.now();
    if (now - (this.lastTouched.get(id) ?? 0) < TOUCH_INTERVAL_MS) return;
    this.lastTouched.set(id, now);
    this.store.touch(id, new Date(now)).catch((err: unknown) => this.logger.warn({ err, key_id: id }, 'could not record key use'));
  }
}
