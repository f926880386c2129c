import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Tx, entityManagerOf } from '../database/transactions';
import type { Stage } from '../common/stage';
import { Expectation, ExpectationSource, ExpectationStore, ExpectationWrite, ModelAccount } from './expectation.store';

interface ModelRow {
  seen_at: Date | null;
  baseline_adopted_at: Date | null;
  owed_by: string[];
  revision: string;
}

interface ExpectationRow {
  version: string;
  stage: Stage;
  aliases: string[];
  set_by: ExpectationSource;
  set_by_ref: string | null;
  set_at: Date;
}

const toExpectation = (r: ExpectationRow): Expectation => ({
  version: r.version,
  stage: r.stage,
  aliases: r.aliases,
  setBy: r.set_by,
  setByRef: r.set_by_ref,
  setAt: r.set_at,
});

// Every write bumps the model's revision (creating its row), in the writer's transaction.
const TOUCH = `
  INSERT INTO registry_watched_models (model) VALUES ($1)
  ON CONFLICT (model) DO UPDATE SET revision = registry_watched_models.revision + 1, updated_at = now()`;

@Injectable()
export class TypeOrmExpectationStore extends ExpectationStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {
    super();
  }

  private em(tx?: Tx): EntityManager {
    return entityManagerOf(tx, this.db.manager);
  }

  async account(model: string, tx?: Tx): Promise<ModelAccount> {
    const em = this.em(tx);
    // One statement: the model row and its expectations from the same snapshot.
    const rows: (ModelRow & { expectations: ExpectationRow[] | null })[] = await em.query(
      `SELECT m.seen_at, m.baseline_adopted_at, m.owed_by, m.revision,
              (SELECT json_agg(json_build_object('version', e.version, 'stage', e.stage, 'aliases', e.aliases, 'set_by', e.set_by,
                                                 'set_by_ref', e.set_by_ref, 'set_at', e.set_at))
               FROM registry_expectations e WHERE e.model = $1) AS expectations
       FROM (SELECT $1::varchar AS model) k LEFT JOIN registry_watched_models m ON m.model = k.model`,
      [model],
    );
    const r = rows[0];
    const expectations = (r.expectations ?? []).map((e) => toExpectation({ ...e, set_at: new Date(e.set_at) }));
    return {
      model,
      seenAt: r.seen_at,
      baselineAdoptedAt: r.baseline_adopted_at,
      owedBy: r.owed_by ?? [],
      revision: Number(r.revision ?? 0),
      expectations: new Map(expectations.map((e) => [e.version, e])),
    };
  }

  async claimFirstSight(model: string, adopted: boolean, tx: Tx): Promise<boolean> {
    const rows: unknown[] = await this.em(tx).query(
      `INSERT INTO registry_watched_models (model, seen_at, baseline_adopted_at) VALUES ($1, now(), CASE WHEN $2 THEN now() END)
       ON CONFLICT (model) DO UPDATE SET seen_at = now(), baseline_adopted_at = EXCLUDED.baseline_adopted_at,
         revision = registry_watched_models.revision + 1, updated_at = now()
       WHERE registry_watched_models.seen_at IS NULL
       RETURNING model`,
      [model, adopted],
    );
    return rows.length === 1;
  }

  async insertMissing(model: string, rows: ExpectationWrite[], tx: Tx): Promise<void> {
    if (rows.length) await this.write(model, rows, tx, 'DO NOTHING');
  }

  async put(model: string, rows: ExpectationWrite[], tx: Tx): Promise<void> {
    if (rows.length === 0) return;
    await this.write(
      model,
      rows,
      tx,
      'DO UPDATE SET stage = EXCLUDED.stage, aliases = EXCLUDED.aliases, set_by = EXCLUDED.set_by, set_by_ref = EXCLUDED.set_by_ref, set_at = EXCLUDED.set_at',
    );
  }

  private async write(model: string, rows: ExpectationWrite[], tx: Tx, onConflict: string): Promise<void> {
    const em = this.em(tx);
    await em.query(TOUCH, [model]);
    const params: unknown[] = [model];
    const values = rows.map((r) => {
      const cells = [r.version, r.stage, JSON.stringify([...r.aliases].sort()), r.setBy, r.setByRef, r.setAt?.toISOString() ?? null];
      return `($1, ${cells.map((c) => `$${params.push(c)}`).join(', ')})`;
    });
    await em.query(
      `INSERT INTO registry_expectations (model, version, stage, aliases, set_by, set_by_ref, set_at)
       SELECT v.model, v.version, v.stage, v.aliases::jsonb, v.set_by, v.set_by_ref, COALESCE(v.set_at::timestamptz, now())
       FROM (VALUES ${values.join(', ')}) AS v (model, version, stage, aliases, set_by, set_by_ref, set_at)
       ON CONFLICT (model, version) ${onConflict}`,
      params,
    );
  }

  async owe(model: string, owner: string, tx: Tx): Promise<void> {
    await this.em(tx).query(
      `INSERT INTO registry_watched_models (model, owed_by) VALUES ($1, ARRAY[$2::text])
       ON CONFLICT (model) DO UPDATE SET
         owed_by = CASE WHEN $2 = ANY (registry_watched_models.owed_by) THEN registry_watched_models.owed_by
                        ELSE array_append(registry_watched_models.owed_by, $2) END,
         revision = registry_watched_models.revision + 1, updated_at = now()`,
      [model, owner],
    );
  }

  async release(model: string, owner: string, tx: Tx): Promise<void> {
    await this.em(tx).query(
      `UPDATE registry_watched_models SET owed_by = array_remove(owed_by, $2), revision = revision + 1, updated_at = now()
       WHERE model = $1 AND $2 = ANY (owed_by)`,
      [model, owner],
    );
  }

  async modelsOwed(owner: string): Promise<string[]> {
    const rows: { model: string }[] = await this.db.query(`SELECT model FROM registry_watched_models WHERE owed_by @> ARRAY[$1::text] ORDER BY model`, [owner]);
    return rows.map((r) => r.model);
  }
}
