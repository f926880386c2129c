import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NotificationsModule } from '../notifications/notifications.module';
import { ProjectsModule } from '../projects/projects.module';
import { EventsController } from './events.controller';
import { PipelineEventEntity } from './pipeline-event.entity';
import { PipelineEventStore } from './pipeline-event.store';
import { TypeOrmPipelineEventStore } from './pipeline-event.store.typeorm';
import { PipelineEventsService } from './pipeline-events.service';
import { PipelineRunsController } from './pipeline-runs.controller';
import { PipelineRunsService } from './pipeline-runs.service';
import { ProjectLookup } from './project-lookup';

/** Step Functions execution events from EventBridge, and the pipeline runs they tell of. */
@Module({
  imports: [TypeOrmModule.forFeature([PipelineEventEntity]), NotificationsModule, ProjectsModule],
  controllers: [EventsController, PipelineRunsController],
  providers: [{ provide: PipelineEventStore, useClass: TypeOrmPipelineEventStore }, PipelineEventsService, PipelineRunsService, ProjectLookup],
  exports: [PipelineEventsService],
})
export class EventsModule {}
