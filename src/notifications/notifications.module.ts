import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EmailChannel } from './channels/email.channel';
import { SES_CLIENT_PROVIDER } from './channels/ses-client.factory';
import { SesMailer } from './channels/ses-mailer';
import { SlackChannel } from './channels/slack.channel';
import { SlackWebhook } from './channels/slack-webhook';
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

/** The outbox, its worker, the channels (SES, Slack) and the delivery log API. */
@Module({
  imports: [TypeOrmModule.forFeature([OutboxEntity])],
  controllers: [NotificationsController],
  providers: [
    { provide: OutboxStore, useClass: TypeOrmOutboxStore },
    SES_CLIENT_PROVIDER,
    SesMailer,
    SlackWebhook,
    EmailChannel,
    SlackChannel,
    {
      provide: DELIVERY_CHANNELS,
      useFactory: (...channels: DeliveryChannel[]) => channels,
      inject: [EmailChannel, SlackChannel],
    },
    OutboxDispatcher,
    OutboxSignal,
    OutboxWorker,
    Outbox,
    NotificationsService,
    NotificationsReadiness,
  ],
  exports: [Outbox, NotificationsService, NotificationsReadiness],
})
export class NotificationsModule {}
