import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApprovalNotices } from './approval-notices';
import { DriftNotices } from './drift-notices';
import { BusChannel } from './channels/bus.channel';
import { EmailChannel } from './channels/email.channel';
import { EVENTBRIDGE_CLIENT_PROVIDER } from './channels/eventbridge-client.factory';
import { EventBusPublisher } from './channels/event-bus-publisher';
import { SES_CLIENT_PROVIDER } from './channels/ses-client.factory';
import { SesMailer } from './channels/ses-mailer';
import { SlackChannel } from './channels/slack.channel';
import { SlackWebhook } from './channels/slack-webhook';
import { LifecyclePublisher } from './lifecycle-publisher';
import type { DeliveryChannel } from './notification.types';
import { NotificationsController } from './notifications.controller';
import { NotificationsReadiness } from './notifications.readiness';
import { NotificationsService } from './notifications.service';
import { Outbox } from './outbox';
import { DELIVERY_CHANNELS, OutboxDispatcher } from './outbox.dispatcher';
import { OutboxEntity } from './outbox.entity';
import { OutboxSignal } from './outbox.signal';
import { OutboxStore } from './outbox.store';
import { TypeOrmOutboxStore } from './outbox.store.typeorm';
import { OutboxWorker } from './outbox.worker';
import { RetentionJob } from './retention.job';
import { RetentionStore } from './retention.store';
import { TypeOrmRetentionStore } from './retention.store.typeorm';

/** The outbox, its worker, the channels (SES, Slack, EventBridge), approver and drift notices, lifecycle events, retention and the delivery log API. */
@Module({
  imports: [TypeOrmModule.forFeature([OutboxEntity])],
  controllers: [NotificationsController],
  providers: [
    { provide: OutboxStore, useClass: TypeOrmOutboxStore },
    SES_CLIENT_PROVIDER,
    SesMailer,
    SlackWebhook,
    EVENTBRIDGE_CLIENT_PROVIDER,
    EventBusPublisher,
    EmailChannel,
    SlackChannel,
    BusChannel,
    {
      provide: DELIVERY_CHANNELS,
      useFactory: (...channels: DeliveryChannel[]) => channels,
      inject: [EmailChannel, SlackChannel, BusChannel],
    },
    OutboxDispatcher,
    OutboxSignal,
    OutboxWorker,
    Outbox,
    LifecyclePublisher,
    ApprovalNotices,
    DriftNotices,
    NotificationsService,
    NotificationsReadiness,
    { provide: RetentionStore, useClass: TypeOrmRetentionStore },
    RetentionJob,
  ],
  exports: [Outbox, LifecyclePublisher, ApprovalNotices, DriftNotices, NotificationsService, NotificationsReadiness],
})
export class NotificationsModule {}
