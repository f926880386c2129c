import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/transactions';
import type { LifecycleEventMap } from '../lifecycle-events/lifecycle-events';
import { LifecyclePublisher } from '../lifecycle-events/lifecycle-publisher';
import type { DeadRow } from '../outbox/outbox-channels';
import type { OutboxItem } from '../outbox/outbox.types';
import { isNotificationMessage, subjectOf } from './templates/messages';

/**
 * Announces on the bus each notification to people (e-mail, Slack) the outbox gave up on, in the
 * transaction that marks it dead. A failed bus event is not announced on the bus.
 */
@Injectable()
export class NotificationFailures {
  constructor(private readonly lifecycle: LifecyclePublisher) {}

  announce(tx: Tx, dead: DeadRow[]): Promise<number> {
    const failures = dead.filter(({ item }) => item.kind !== 'bus').map(({ item, attempts, error }) => failureDetail(item, attempts, error));
    return this.lifecycle.notificationsFailed(tx, failures);
  }
}

function failureDetail(item: OutboxItem, attempts: number, error: string | null): LifecycleEventMap['Notification Failed'] {
  const message = isNotificationMessage(item.payload) ? item.payload : undefined;
  const approval = message?.type === 'approval_needed' ? message.notice : undefined;
  const drift = message?.type === 'registry_drift' ? message.notice : undefined;
  return {
    notification_id: item.id,
    channel: item.kind,
    recipient: item.recipient,
    subject: message ? subjectOf(message) : null,
    project: item.project,
    execution_arn: item.executionArn,
    model: approval?.model ?? drift?.model ?? null,
    version: approval?.version ?? (drift?.drifts.length === 1 ? drift.drifts[0].version : null),
    promotion_id: approval?.promotion_id ?? null,
    attempts,
    error,
  };
}
