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

/** Where API keys live. */
export abstract class ApiKeyStore {
  /** Inserts the key; `undefined` when the name is taken. */
  abstract insert(key: NewApiKey): Promise<ApiKeyRecord | undefined>;
  /** Creates or replaces the key called `name`, un-revoked. */
  abstract upsertByName(key: NewApiKey): Promise<ApiKeyRecord>;
  abstract findActiveByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
  abstract findById(id: string): Promise<ApiKeyRecord | undefined>;
  abstract list(offset: number, limit: number): Promise<ApiKeyRecord[]>;
  abstract count(): Promise<number>;
  /** Sets `revoked_at` if not set yet; returns the key as it now is. */
  abstract revoke(id: string): Promise<ApiKeyRecord | undefined>;
  abstract touch(id: string, at: Date): Promise<void>;
}
