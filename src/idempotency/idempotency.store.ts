export interface IdempotencyRecord {
  keyHolder: string;
  key: string;
  route: string;
  requestHash: string;
  state: 'in_progress' | 'completed';
  responseStatus: number | null;
  /** The first answer's body exactly as it was sent (JSON text). */
  responseBody: string | null;
  createdAt: Date;
}

export abstract class IdempotencyStore {
  /** Claims the key; false when a row for (holder, key) already exists. */
  abstract claim(keyHolder: string, key: string, route: string, requestHash: string): Promise<boolean>;
  abstract find(keyHolder: string, key: string): Promise<IdempotencyRecord | undefined>;
  abstract complete(keyHolder: string, key: string, status: number, body: string): Promise<void>;
  /** Forgets an in-progress claim (the request failed in a way a retry should redo). */
  abstract release(keyHolder: string, key: string): Promise<void>;
  /** Replaces a row created before `staleBefore` by a fresh claim; false if it is not stale (any more). */
  abstract reclaimStale(keyHolder: string, key: string, route: string, requestHash: string, staleBefore: Date): Promise<boolean>;
  abstract purgeOlderThan(cutoff: Date): Promise<number>;
}
