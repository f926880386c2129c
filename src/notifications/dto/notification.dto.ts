import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/http/pagination';
import { OUTBOX_KINDS, OUTBOX_STATUSES, OutboxItem, OutboxKind, OutboxStatus } from '../../outbox/outbox.types';
import { isBusEventPayload } from '../../lifecycle-events/lifecycle-events';
import { isNotificationMessage, subjectOf } from '../templates/messages';

export class NotificationQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: OUTBOX_STATUSES })
  @IsOptional()
  @IsIn(OUTBOX_STATUSES, { message: `status must be one of: ${OUTBOX_STATUSES.join(', ')}` })
  status?: OutboxStatus;

  @ApiPropertyOptional({ enum: OUTBOX_KINDS })
  @IsOptional()
  @IsIn(OUTBOX_KINDS, { message: `kind must be one of: ${OUTBOX_KINDS.join(', ')}` })
  kind?: OutboxKind;
}

export class NotificationView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: OUTBOX_KINDS }) kind!: OutboxKind;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'oncall@rentcars.com', description: 'An address or slack:NAME' })
  recipient!: string | null;
  @ApiProperty({ enum: OUTBOX_STATUSES }) status!: OutboxStatus;
  @ApiProperty({ description: 'Deliveries tried so far' }) attempts!: number;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'When the next attempt is due (pending only)' })
  next_attempt_at!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) last_error!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: '[recsys] pipeline FAILED — sched-recsys-20261123T030000', description: 'The e-mail subject; for a bus event, its detail-type' })
  subject!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) project!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) execution_arn!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'FAILED' }) pipeline_status!: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) redrive_count!: number | null;
  @ApiProperty() created_at!: string;
  @ApiProperty() updated_at!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) delivered_at!: string | null;

  static of(item: OutboxItem): NotificationView {
    const message = isNotificationMessage(item.payload) ? item.payload : undefined;
    const pipeline = message?.type === 'pipeline_run' ? message.notice : undefined;
    const busEvent = isBusEventPayload(item.payload) ? item.payload : undefined;
    return {
      id: item.id,
      kind: item.kind,
      recipient: item.recipient,
      status: item.status,
      attempts: item.attempts,
      next_attempt_at: item.status === 'pending' ? item.nextAttemptAt.toISOString() : null,
      last_error: item.lastError,
      subject: message ? subjectOf(message) : (busEvent?.detail_type ?? null),
      project: item.project,
      execution_arn: item.executionArn,
      pipeline_status: pipeline?.status ?? null,
      redrive_count: pipeline?.redrive_count ?? null,
      created_at: item.createdAt.toISOString(),
      updated_at: item.updatedAt.toISOString(),
      delivered_at: item.deliveredAt?.toISOString() ?? null,
    };
  }
}

export class NotificationPageView {
  @ApiProperty({ type: [NotificationView] }) items!: NotificationView[];
  @ApiPropertyOptional() next_page_token?: string;
}
