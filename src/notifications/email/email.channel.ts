import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { DeliveryOutcome, OneRowChannel, OutboxItem } from '../../outbox/outbox.types';
import { isNotificationMessage, renderEmail } from '../templates/messages';
import { SesMailer } from './ses-mailer';

export const NO_SENDER_REASON = 'NOTIFY_FROM is not set: modelgate has no sender address for e-mail notifications';

/** E-mail rows: rendered, then sent through SES from NOTIFY_FROM, one message per recipient. */
@Injectable()
export class EmailChannel extends OneRowChannel {
  readonly kind = 'email' as const;
  private readonly logger = new Logger(EmailChannel.name);

  constructor(
    private readonly mailer: SesMailer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  protected async deliverOne(item: OutboxItem): Promise<DeliveryOutcome> {
    const from = this.config.notifyFrom;
    if (!from) return { result: 'dead', error: NO_SENDER_REASON };
    if (!item.recipient || !isNotificationMessage(item.payload)) {
      return { result: 'dead', error: 'not an e-mail this version of modelgate can render' };
    }
    const messageId = await this.mailer.send(from, item.recipient, renderEmail(item.payload));
    this.logger.log({ outbox_id: item.id, ses_message_id: messageId }, 'e-mail sent');
    return { result: 'delivered' };
  }
}
