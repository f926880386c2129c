import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { MlflowModule } from '../mlflow/mlflow.module';
import { LifecycleEventsModule } from '../lifecycle-events/lifecycle-events.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { ProjectsModule } from '../projects/projects.module';
import { RegistryModeModule } from '../registry-mode/registry-mode.module';
import { DriftCheckRequests } from './drift-check-requests';
import { DriftChecker } from './drift-checker';
import { DriftReverter } from './drift-reverter';
import { DriftWatcher } from './drift-watcher';
import { DriftController } from './drift.controller';
import { DriftService } from './drift.service';
import { DriftStore } from './drift.store';
import { TypeOrmDriftStore } from './drift.store.typeorm';
import { ExpectationStore } from './expectation.store';
import { TypeOrmExpectationStore } from './expectation.store.typeorm';
import { FirstSight } from './first-sight';
import { ProvenanceStore } from './provenance.store';
import { TypeOrmProvenanceStore } from './provenance.store.typeorm';
import { RegistryExpectations } from './registry-expectations';
import { RegistrySnapshots } from './registry-snapshot';
import { StageAccounts } from './stage-accounts';
import { VersionProvenance } from './version-provenance';

/**
 * Registry truth: what modelgate expects of each version in MLflow, the watcher that finds changes
 * made behind its back (drift), adoption and revert. Promotions and the deploy gate depend on it,
 * never the other way round.
 */
@Module({
  imports: [MlflowModule, ProjectsModule, AuditModule, NotificationsModule, LifecycleEventsModule, RegistryModeModule],
  controllers: [DriftController],
  providers: [
    { provide: ExpectationStore, useClass: TypeOrmExpectationStore },
    { provide: DriftStore, useClass: TypeOrmDriftStore },
    { provide: ProvenanceStore, useClass: TypeOrmProvenanceStore },
    RegistrySnapshots,
    RegistryExpectations,
    FirstSight,
    DriftChecker,
    DriftReverter,
    DriftWatcher,
    { provide: DriftCheckRequests, useExisting: DriftWatcher },
    DriftService,
    StageAccounts,
    VersionProvenance,
  ],
  exports: [RegistryExpectations, FirstSight, DriftCheckRequests, StageAccounts, VersionProvenance],
})
export class RegistryWatchModule {}
