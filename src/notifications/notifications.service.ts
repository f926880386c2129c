import { Injectable, Logger } from '@nestjs/common';
import { Page, SEQ_PAGES } from '../common/http/pagination';
import type { OutboxItem, OutboxKind, OutboxStatus } from '../outbox/outbox.types';
import { NotificationsError, NotificationsErrorCode } from './notifications.errors';
import { OutboxSignal } from '../outbox/outbox.signal';
import { OutboxStore } from '../outbox/outbox.store';

export interface NotificationFilter {
  status?: OutboxStatus;
  kind?: OutboxKind;
}

/** The delivery log: what was sent to whom, what is still trying, what gave up; replay of the dead. */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger(NotificationsService.name);

  constructor(
    private readonly store: OutboxStore,
    private readonly signal: OutboxSignal,
  ) {}

  /** Newest first; the page token carries the last seq seen. */
  async list(filter: NotificationFilter, limit: number, pageToken?: string): Promise<Page<OutboxItem>> {
    const beforeSeq = SEQ_PAGES.decode(pageToken)?.before_seq;
    const rows = await this.store.list({ ...filter, beforeSeq, limit: limit + 1 });
    return SEQ_PAGES.page(rows, limit, (last) => ({ before_seq: last.seq }));
  }

  async get(id: string): Promise<OutboxItem> {
    const item = await this.store.findById(id);
    if (!item) throw new NotificationsError(NotificationsErrorCode.NOTIFICATION_NOT_FOUND, `No notification with id ${id}`);
    return item;
  }

  /** The notifications about these Step Functions executions, oldest first. */
  forExecutions(executionArns: string[]): Promise<OutboxItem[]> {
    return this.store.listByExecutions(executionArns);
  }

  /** A dead notification back to pending with a fresh set of attempts. */
  async retry(id: string, actor: string): Promise<OutboxItem> {
    const revived = await this.store.revive(id);
    if (!revived) {
      const existing = await this.get(id);
      throw new NotificationsError(
        NotificationsErrorCode.NOTIFICATION_NOT_DEAD,
        `Only a dead notification can be retried; this one is ${existing.status}`,
        { status: existing.status },
      );
    }
    this.logger.log({ outbox_id: id, kind: revived.kind, by: actor }, 'dead notification queued again');
    this.signal.notify();
    return revived;
  }
}
