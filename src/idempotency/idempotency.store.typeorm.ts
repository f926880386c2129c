import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { IdempotencyRecord, IdempotencyStore } from './idempotency.store';

interface Row {
  key_holder: string;
  key: string;
  route: string;
  request_hash: string;
  state: 'in_progress' | 'completed';
  response_status: number | null;
  response_body: string | null;
  created_at: Date;
}

@Injectable()
export class TypeOrmIdempotencyStore extends IdempotencyStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {
    super();
  }

  async claim(keyHolder: string, key: string, route: string, requestHash: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `INSERT INTO idempotency_keys (key_holder, key, route, request_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (key_holder, key) DO NOTHING RETURNING id`,
      [keyHolder, key, route, requestHash],
    );
    return rows.length === 1;
  }

  async find(keyHolder: string, key: string): Promise<IdempotencyRecord | undefined> {
    const rows: Row[] = await this.db.query('SELECT * FROM idempotency_keys WHERE key_holder = $1 AND key = $2', [keyHolder, key]);
    const r = rows[0];
    return r
      ? {
          keyHolder: r.key_holder,
          key: r.key,
          route: r.route,
          requestHash: r.request_hash,
          state: r.state,
          responseStatus: r.response_status,
          responseBody: r.response_body,
          createdAt: r.created_at,
        }
      : undefined;
  }

  async complete(keyHolder: string, key: string, status: number, body: string): Promise<void> {
    await this.db.query(
      `UPDATE idempotency_keys SET state = 'completed', response_status = $3, response_body = $4, completed_at = now()
       WHERE key_holder = $1 AND key = $2`,
      [keyHolder, key, status, body],
    );
  }

  async release(keyHolder: string, key: string): Promise<void> {
    await this.db.query(`DELETE FROM idempotency_keys WHERE key_holder = $1 AND key = $2 AND state = 'in_progress'`, [keyHolder, key]);
  }

  async reclaimStale(keyHolder: string, key: string, route: string, requestHash: string, staleBefore: Date): Promise<boolean> {
    // TypeORM answers UPDATE ... RETURNING with [rows, affected].
    const [, affected]: [unknown[], number] = await this.db.query(
      `UPDATE idempotency_keys
         SET route = $3, request_hash = $4, state = 'in_progress', response_status = NULL, response_body = NULL,
             created_at = now(), completed_at = NULL
       WHERE key_holder = $1 AND key = $2 AND created_at < $5 RETURNING id`,
      [keyHolder, key, route, requestHash, staleBefore],
    );
    return affected === 1;
  }

  async purgeOlderThan(cutoff: Date): Promise<number> {
    const result: [unknown[], number] = await this.db.query('DELETE FROM idempotency_keys WHERE created_at < $1', [cutoff]);
    return result[1];
  }
}
