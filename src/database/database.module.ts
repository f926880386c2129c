import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChangeFeed } from './change-feed';
import { PgChangeFeed } from './change-feed.pg';
import { buildDataSourceOptions } from './data-source-options';
import { MigrationsReadiness } from './migrations.readiness';
import { runMigrations } from './migrator';
import { ModelLock } from './model-lock';
import { Transactions, TypeOrmTransactions } from './transactions';

/**
 * TypeORM on the resolved database; pending migrations run before the app serves. Provides
 * {@link Transactions}, the per-model {@link ModelLock}, the replicas' {@link ChangeFeed} and the
 * schema's readiness.
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(url: string, poolSize: number): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...buildDataSourceOptions(url, [], poolSize), autoLoadEntities: true }),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            await runMigrations(dataSource);
            return dataSource;
          },
        }),
      ],
      providers: [
        { provide: Transactions, useClass: TypeOrmTransactions },
        ModelLock,
        { provide: ChangeFeed, useClass: PgChangeFeed },
        MigrationsReadiness,
      ],
      exports: [Transactions, ModelLock, ChangeFeed, MigrationsReadiness],
    };
  }
}
