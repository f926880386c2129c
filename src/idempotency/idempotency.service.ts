import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../common/canonical-json';
import { IdempotencyError, IdempotencyErrorCode } from './idempotency.errors';
import { IdempotencyStore } from './idempotency.store';

/** Keys are kept this long, then forgotten (a key may be used again after). */
export const KEY_LIFETIME_MS = 24 * 3600_000;
/** An in-progress claim older than this belongs to a request that died with its process. */
const ABANDONED_AFTER_MS = 5 * 60_000;
/** How long a repeat waits for the first request to finish before answering IN_PROGRESS. */
const WAIT_FOR_FIRST_MS = 10_000;

/** A replay carries the first answer's body as the exact text that was sent. */
export type Claim = { kind: 'new' } | { kind: 'replay'; status: number; body: string };

export interface IdempotentRequest {
  keyHolder: string;
  key: string;
  /** Method and path, e.g. `POST /models/recsys/versions/2/promote`. */
  route: string;
  body: unknown;
}

@Injectable()
export class IdempotencyService {
  private readonly logger = new Logger(IdempotencyService.name);

  constructor(private readonly store: IdempotencyStore) {}

  /** Either the caller goes ahead (and must later `complete` or `release`), or gets the first answer. */
  async claim(request: IdempotentRequest, waitMs = WAIT_FOR_FIRST_MS): Promise<Claim> {
    const hash = createHash('sha256').update(`${request.route}\n${canonicalJson(request.body ?? null)}`).digest('hex');
    const { keyHolder, key, route } = request;
    const deadline = Date.now() + waitMs;
    for (let pause = 20; ; pause = Math.min(pause * 2, 250)) {
      if (await this.store.claim(keyHolder, key, route, hash)) return { kind: 'new' };
      const existing = await this.store.find(keyHolder, key);
      if (!existing) continue; // released or purged between the two calls: try again
      const age = Date.now() - existing.createdAt.getTime();
      if (age > KEY_LIFETIME_MS || (existing.state === 'in_progress' && age > ABANDONED_AFTER_MS)) {
        const staleBefore = new Date(Date.now() - (existing.state === 'in_progress' ? ABANDONED_AFTER_MS : KEY_LIFETIME_MS));
        if (await this.store.reclaimStale(keyHolder, key, route, hash, staleBefore)) return { kind: 'new' };
        continue;
      }
      if (existing.requestHash !== hash) {
        throw new IdempotencyError(
          IdempotencyErrorCode.IDEMPOTENCY_KEY_REUSED,
          'This Idempotency-Key was already used for a different request (route or body); use a new key',
        );
      }
      if (existing.state === 'completed') return { kind: 'replay', status: existing.responseStatus!, body: existing.responseBody ?? 'null' };
      if (Date.now() >= deadline) {
        throw new IdempotencyError(IdempotencyErrorCode.IN_PROGRESS, 'The first request with this Idempotency-Key is still running');
      }
      await new Promise((r) => setTimeout(r, pause));
    }
  }

  /** Keeps the answer as the text it is sent as (JSON.stringify, as Fastify serialises), so a replay is byte for byte the same. */
  complete(keyHolder: string, key: string, status: number, body: unknown): Promise<void> {
    return this.store.complete(keyHolder, key, status, JSON.stringify(body ?? null));
  }

  release(keyHolder: string, key: string): Promise<void> {
    return this.store.release(keyHolder, key);
  }

  @Interval(3600_000)
  async purge(): Promise<number> {
    const purged = await this.store.purgeOlderThan(new Date(Date.now() - KEY_LIFETIME_MS));
    if (purged) this.logger.log({ purged }, 'expired idempotency keys purged');
    return purged;
  }
}
