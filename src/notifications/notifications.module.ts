import { Module, OnModuleInit } from '@nestjs/common';
import { LifecycleEventsModule } from '../lifecycle-events/lifecycle-events.module';
import { OutboxChannels } from '../outbox/outbox-channels';
import { OutboxModule } from '../outbox/outbox.module';
import { ApprovalNotices } from './approval-notices';
import { DriftNotices } from './drift-notices';
import { EmailChannel } from './email/email.channel';
import { SES_CLIENT_PROVIDER } from './email/ses-client.factory';
import { SesMailer } from './email/ses-mailer';
import { NotificationFailures } from './notification-failures';
import { NotificationsController } from './notifications.controller';
import { NotificationsReadiness } from './notifications.readiness';
import { NotificationsService } from './notifications.service';
import { SlackChannel } from './slack/slack.channel';
import { SlackWebhook } from './slack/slack-webhook';

/**
 * Notifications to people: pipeline, approver and drift notices, who receives them, their e-mail
 * (SES) and Slack channels, the announcement of those given up on, and the delivery log API.
 */
@Module({
  imports: [OutboxModule, LifecycleEventsModule],
  controllers: [NotificationsController],
  providers: [
    SES_CLIENT_PROVIDER,
    SesMailer,
    SlackWebhook,
    EmailChannel,
    SlackChannel,
    NotificationFailures,
    ApprovalNotices,
    DriftNotices,
    NotificationsService,
    NotificationsReadiness,
  ],
  exports: [ApprovalNotices, DriftNotices, NotificationsService, NotificationsReadiness],
})
export class NotificationsModule implements OnModuleInit {
  constructor(
    private readonly channels: OutboxChannels,
    private readonly email: EmailChannel,
    private readonly slack: SlackChannel,
    private readonly failures: NotificationFailures,
  ) {}

  onModuleInit(): void {
    this.channels.register(this.email, this.slack);
    this.channels.onDead((tx, dead) => this.failures.announce(tx, dead));
  }
}
