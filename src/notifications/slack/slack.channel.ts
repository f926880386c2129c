import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { DeliveryOutcome, OneRowChannel, OutboxItem } from '../../outbox/outbox.types';
import { parseRecipient } from '../recipient';
import { isNotificationMessage, renderSlack } from '../templates/messages';
import { SlackWebhook } from './slack-webhook';

/** Slack rows: `slack:NAME` resolved through SLACK_WEBHOOKS at send time, so no URL is ever stored. */
@Injectable()
export class SlackChannel extends OneRowChannel {
  readonly kind = 'slack' as const;
  private readonly logger = new Logger(SlackChannel.name);

  constructor(
    private readonly webhook: SlackWebhook,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  protected async deliverOne(item: OutboxItem): Promise<DeliveryOutcome> {
    const recipient = item.recipient ? parseRecipient(item.recipient) : undefined;
    if (recipient?.kind !== 'slack' || !isNotificationMessage(item.payload)) {
      return { result: 'dead', error: 'not a Slack message this version of modelgate can render' };
    }
    const url = Object.prototype.hasOwnProperty.call(this.config.slackWebhooks, recipient.channel)
      ? this.config.slackWebhooks[recipient.channel]
      : undefined;
    if (!url) return { result: 'dead', error: `SLACK_WEBHOOKS has no webhook for "${recipient.channel}"` };
    await this.webhook.post(url, renderSlack(item.payload, { buttons: this.config.slackSigningSecret !== undefined }));
    this.logger.log({ outbox_id: item.id, channel: recipient.channel }, 'Slack message sent');
    return { result: 'delivered' };
  }
}
