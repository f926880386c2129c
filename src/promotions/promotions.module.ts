import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { MlflowModule } from '../mlflow/mlflow.module';
import { LifecycleEventsModule } from '../lifecycle-events/lifecycle-events.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { ProjectsModule } from '../projects/projects.module';
import { RegistryModeModule } from '../registry-mode/registry-mode.module';
import { RegistryWatchModule } from '../registry-watch/registry-watch.module';
import { AliasMirror } from './alias-mirror';
import { ApprovalsService } from './approvals.service';
import { ApprovedPromotions } from './approved-promotions';
import { PromotionApplier } from './promotion-applier';
import { PromotionFactsReader } from './promotion-facts';
import { PromotionLock } from './promotion-lock';
import { PromotionReconciler } from './promotion-reconciler';
import { PromotionStore } from './promotion.store';
import { TypeOrmPromotionStore } from './promotion.store.typeorm';
import { PromotionsController } from './promotions.controller';
import { PromotionsService } from './promotions.service';
import { RejectionSettler } from './rejection-settler';

/** Promote, approve, reject, cancel, roll back: policy-gated, serialised per model, audited, crash-safe. */
@Module({
  imports: [MlflowModule, ProjectsModule, AuditModule, NotificationsModule, LifecycleEventsModule, RegistryWatchModule, RegistryModeModule],
  controllers: [PromotionsController],
  providers: [
    PromotionsService,
    ApprovalsService,
    ApprovedPromotions,
    RejectionSettler,
    PromotionApplier,
    PromotionFactsReader,
    PromotionLock,
    PromotionReconciler,
    AliasMirror,
    { provide: PromotionStore, useClass: TypeOrmPromotionStore },
  ],
  exports: [PromotionsService, ApprovalsService],
})
export class PromotionsModule {}
