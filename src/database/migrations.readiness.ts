import { Injectable } from '@nestjs/common';
import type { HealthIndicatorResult } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations';

/** The names TypeORM records in `migrations` (a migration's `name`, else its class name). */
const EXPECTED = MIGRATIONS.map((M) => (new M() as { name?: string }).name ?? M.name);

/** Readiness of the schema: every migration this build knows is applied. */
@Injectable()
export class MigrationsReadiness {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async check(timeoutMs: number, key = 'migrations'): Promise<HealthIndicatorResult> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)));
    try {
      const rows: { name: string }[] = await Promise.race([this.dataSource.query('SELECT name FROM migrations'), deadline]);
      const applied = new Set(rows.map((r) => r.name));
      const pending = EXPECTED.filter((name) => !applied.has(name));
      if (pending.length > 0) return { [key]: { status: 'down', message: `${pending.length} migration(s) not applied`, pending } };
      return { [key]: { status: 'up', applied: EXPECTED.length } };
    } catch (err) {
      return { [key]: { status: 'down', message: `migrations could not be read: ${err instanceof Error ? err.message : String(err)}` } };
    } finally {
      clearTimeout(timer);
    }
  }
}
