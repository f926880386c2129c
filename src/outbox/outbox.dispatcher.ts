import { Injectable, Logger } from '@nestjs/common';
import { OutboxChannels } from './outbox-channels';
import { DeliveryOutcome, OutboxItem, OutboxKind, outcomeOf } from './outbox.types';

/** The rows of one upstream call and how each ended. */
export interface SendResult {
  items: OutboxItem[];
  outcomes: DeliveryOutcome[];
}

/**
 * Hands claimed rows to the channel of their kind, as many upstream calls at once as the channel
 * needs (one per e-mail or Slack post, one per 10 bus events), and reports each call as soon as it
 * ends, so a slow send never holds back the outcome of a quick one.
 */
@Injectable()
export class OutboxDispatcher {
  private readonly logger = new Logger(OutboxDispatcher.name);

  constructor(private readonly channels: OutboxChannels) {}

  /** Resolves once every send ended and `onSent` heard of it. */
  async deliver(items: OutboxItem[], onSent: (result: SendResult) => void): Promise<void> {
    await Promise.all(
      this.sendsOf(items).map(async (group) => {
        const outcomes = await this.deliverGroup(group[0].kind, group);
        onSent({ items: group, outcomes });
      }),
    );
  }

  /** The rows split into upstream calls: by kind, at most the channel's rowsPerSend each. */
  private sendsOf(items: OutboxItem[]): OutboxItem[][] {
    const byKind = new Map<OutboxKind, OutboxItem[]>();
    for (const item of items) byKind.set(item.kind, [...(byKind.get(item.kind) ?? []), item]);
    return [...byKind].flatMap(([kind, group]) => {
      const size = Math.max(1, this.channels.of(kind)?.rowsPerSend ?? group.length);
      return Array.from({ length: Math.ceil(group.length / size) }, (_, i) => group.slice(i * size, (i + 1) * size));
    });
  }

  private async deliverGroup(kind: OutboxKind, group: OutboxItem[]): Promise<DeliveryOutcome[]> {
    const channel = this.channels.of(kind);
    if (!channel) return group.map(() => ({ result: 'retry' as const, error: `no channel delivers "${kind}" rows in this version` }));
    try {
      const results = await channel.deliver(group);
      if (results.length !== group.length) throw new Error(`channel ${kind} answered ${results.length} outcomes for ${group.length} rows`);
      return results;
    } catch (err) {
      this.logger.error({ err, kind }, 'delivery channel failed');
      return group.map(() => outcomeOf(err));
    }
  }
}
