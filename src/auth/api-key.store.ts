import type { Tx } from '../database/transactions';
import { Role } from './role';

export interface ApiKeyRecord {
  id: string;
  name: string;
  keyHash: string;
  roles: Role[];
  createdBy: string | null;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

export interface NewApiKey {
  name: string;
  keyHash: string;
  roles: Role[];
  createdBy: string | null;
}

export interface RevokedApiKey {
  record: ApiKeyRecord;
  /** False when the key was already revoked before this call. */
  revokedNow: boolean;
}

/** Where API keys live. Writes take the caller's transaction, so the audit event commits with them. */
export abstract class ApiKeyStore {
  /** Inserts the key; `undefined` when the name is taken. */
  abstract insert(key: NewApiKey, tx?: Tx): Promise<ApiKeyRecord | undefined>;
  /** Creates or replaces the key called `name`, un-revoked. */
  abstract upsertByName(key: NewApiKey, tx?: Tx): Promise<ApiKeyRecord>;
  abstract findActiveByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
  abstract findById(id: string, tx?: Tx): Promise<ApiKeyRecord | undefined>;
  abstract findByName(name: string, tx?: Tx): Promise<ApiKeyRecord | undefined>;
  /** Oldest first; `afterId`: only the keys created after that one. */
  abstract list(limit: number, afterId?: string): Promise<ApiKeyRecord[]>;
  abstract count(tx?: Tx): Promise<number>;
  /** Sets `revoked_at` if not set yet; returns the key as it now is, or undefined when there is none. */
  abstract revoke(id: string, tx?: Tx): Promise<RevokedApiKey | undefined>;
  abstract touch(id: string, at: Date): Promise<void>;
  /** Tells every replica, when `tx` commits, that keys changed (revoked, rotated). */
  abstract announceChange(tx: Tx): Promise<void>;
  /**
   * Follows the announcements of all replicas. `live(false)` when the feed is down (announcements
   * may be missed), `live(true)` once it follows again. Returns a function that stops it.
   */
  abstract watchChanges(listener: KeyChangeListener): () => Promise<void>;
}

export interface KeyChangeListener {
  changed(): void;
  live(isLive: boolean): void;
}
