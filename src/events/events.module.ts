import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NotificationsModule } from '../notifications/notifications.module';
import { OutboxModule } from '../outbox/outbox.module';
import { ProjectsModule } from '../projects/projects.module';
import { EventsController } from './events.controller';
import { PipelineEventEntity } from './pipeline-event.entity';
import { PipelineEventRetention } from './pipeline-event-retention';
import { PipelineEventWriter } from './pipeline-event-writer';
import { PipelineEventStore } from './pipeline-event.store';
import { TypeOrmPipelineEventStore } from './pipeline-event.store.typeorm';
import { PipelineEventsService } from './pipeline-events.service';
import { PipelineRunsController } from './pipeline-runs.controller';
import { PipelineRunsService } from './pipeline-runs.service';
import { ProjectLookup } from './project-lookup';
import { FailedStepFinder } from './sfn/failed-step-finder';
import { FailedStepLookup } from './sfn/failed-step-lookup';
import { SFN_CLIENT_PROVIDER } from './sfn/sfn-client.factory';
import { SfnReconciler } from './sfn/sfn-reconciler';
import { SfnMetrics } from './sfn/sfn.metrics';
import { StateMachineCheckStore } from './sfn/state-machine-check.store';
import { TypeOrmStateMachineCheckStore } from './sfn/state-machine-check.store.typeorm';
import { StepFunctionsReader } from './sfn/step-functions.reader';

/** Step Functions execution events from EventBridge, their enrichment and reconciliation, the pipeline runs they tell of, and their retention. */
@Module({
  imports: [TypeOrmModule.forFeature([PipelineEventEntity]), OutboxModule, NotificationsModule, ProjectsModule],
  controllers: [EventsController, PipelineRunsController],
  providers: [
    { provide: PipelineEventStore, useClass: TypeOrmPipelineEventStore },
    PipelineEventWriter,
    PipelineEventRetention,
    PipelineEventsService,
    PipelineRunsService,
    ProjectLookup,
    SFN_CLIENT_PROVIDER,
    SfnMetrics,
    StepFunctionsReader,
    FailedStepFinder,
    FailedStepLookup,
    { provide: StateMachineCheckStore, useClass: TypeOrmStateMachineCheckStore },
    SfnReconciler,
  ],
  exports: [PipelineEventsService],
})
export class EventsModule {}
