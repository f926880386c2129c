import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination';
import { NotificationView } from '../../notifications/dto/notification.dto';
import type { OutboxItem } from '../../outbox/outbox.types';
import { isNotificationMessage } from '../../notifications/templates/messages';
import type { PipelineEventRecord } from '../pipeline-event.store';
import type { RunDetail, RunWithNotifications } from '../pipeline-runs.service';

export class PipelineRunQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'recsys', description: 'A project name, or `_unknown` for state machines no project claims' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  project?: string;

  @ApiPropertyOptional({ example: 'FAILED', description: 'The execution status as its latest event tells it' })
  @IsOptional()
  @Matches(/^[A-Z_]{1,32}$/, { message: 'status must be a Step Functions status such as RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED' })
  status?: string;
}

export class PipelineEventView {
  @ApiProperty() event_id!: string;
  @ApiProperty({ enum: ['eventbridge', 'reconciler'] }) origin!: string;
  @ApiProperty() status!: string;
  @ApiProperty() redrive_count!: number;
  @ApiPropertyOptional({ nullable: true, type: String }) event_time!: string | null;
  @ApiProperty() received_at!: string;

  static of(e: PipelineEventRecord): PipelineEventView {
    return {
      event_id: e.eventId,
      origin: e.origin,
      status: e.status,
      redrive_count: e.redriveCount,
      event_time: e.eventTime?.toISOString() ?? null,
      received_at: e.receivedAt.toISOString(),
    };
  }
}

/** The failing step as the failure notices name it (Step Functions' history is read once, when they are made). */
function failedStepOf(notifications: OutboxItem[]): string | null {
  for (const { payload } of notifications) {
    if (isNotificationMessage(payload) && payload.type === 'pipeline_run' && payload.notice.failed_state) return payload.notice.failed_state.name;
  }
  return null;
}

export class PipelineRunView {
  @ApiProperty() execution_arn!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) execution_name!: string | null;
  @ApiProperty() state_machine_arn!: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Null when no project claims the state machine' })
  project!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) project_version!: string | null;
  @ApiProperty({ example: 'FAILED' }) status!: string;
  @ApiProperty() redrive_count!: number;
  @ApiPropertyOptional({ nullable: true, type: String }) start_date!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) stop_date!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) error!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) cause!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'Score Model', description: 'The state that failed, as the failure notices name it; null when unknown' })
  failed_step!: string | null;
  @ApiProperty() events_received!: number;
  @ApiProperty() last_event_at!: string;
  @ApiProperty({ type: [NotificationView] }) notifications!: NotificationView[];

  static of({ run, notifications }: RunWithNotifications): PipelineRunView {
    return {
      execution_arn: run.executionArn,
      execution_name: run.executionName,
      state_machine_arn: run.stateMachineArn,
      project: run.project,
      project_version: run.projectVersion,
      status: run.status,
      redrive_count: run.redriveCount,
      start_date: run.startDate?.toISOString() ?? null,
      stop_date: run.stopDate?.toISOString() ?? null,
      error: run.error,
      cause: run.cause,
      failed_step: failedStepOf(notifications),
      events_received: run.eventsReceived,
      last_event_at: run.lastEventAt.toISOString(),
      notifications: notifications.map(NotificationView.of),
    };
  }
}

export class PipelineRunDetailView extends PipelineRunView {
  @ApiProperty({ type: [PipelineEventView], description: 'Every event stored for the execution, in arrival order' })
  events!: PipelineEventView[];

  static ofDetail(detail: RunDetail): PipelineRunDetailView {
    return { ...PipelineRunView.of(detail), events: detail.events.map(PipelineEventView.of) };
  }
}

export class PipelineRunPageView {
  @ApiProperty({ type: [PipelineRunView] }) items!: PipelineRunView[];
  @ApiPropertyOptional() next_page_token?: string;
}

