import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Tx, entityManagerOf } from '../database/transactions';
import { OwedProvenance, ProvenanceStore } from './provenance.store';

@Injectable()
export class TypeOrmProvenanceStore extends ProvenanceStore {
  constructor(@InjectDataSource() private readonly db: DataSource) {
    super();
  }

  private em(tx?: Tx): EntityManager {
    return entityManagerOf(tx, this.db.manager);
  }

  async owe(model: string, rows: OwedProvenance[], tx: Tx): Promise<void> {
    if (rows.length === 0) return;
    const params: unknown[] = [model];
    const values = rows.map((r) => `($1, $${params.push(r.version)}, $${params.push(JSON.stringify(r.tags))}::jsonb)`);
    await this.em(tx).query(
      `INSERT INTO registry_provenance (model, version, tags) VALUES ${values.join(', ')}
       ON CONFLICT (model, version) DO UPDATE SET tags = EXCLUDED.tags, owed = true, set_at = now(), written_at = NULL`,
      params,
    );
  }

  async owed(model: string, tx?: Tx): Promise<OwedProvenance[]> {
    const rows: { version: string; tags: Record<string, string> }[] = await this.em(tx).query(
      'SELECT version, tags FROM registry_provenance WHERE model = $1 AND owed ORDER BY set_at, version',
      [model],
    );
    return rows;
  }

  async written(model: string, row: OwedProvenance, tx?: Tx): Promise<void> {
    await this.em(tx).query(
      'UPDATE registry_provenance SET owed = false, written_at = now() WHERE model = $1 AND version = $2 AND tags = $3::jsonb AND owed',
      [model, row.version, JSON.stringify(row.tags)],
    );
  }

  async modelsOwed(): Promise<string[]> {
    const rows: { model: string }[] = await this.db.query('SELECT DISTINCT model FROM registry_provenance WHERE owed ORDER BY model');
    return rows.map((r) => r.model);
  }
}
