import { Inject, Injectable, Logger } from '@nestjs/common';
import { DeliveryChannel, DeliveryOutcome, OutboxItem, OutboxKind, outcomeOf } from './notification.types';

export const DELIVERY_CHANNELS = Symbol('DELIVERY_CHANNELS');

/** Hands each claimed row to the channel of its kind, all kinds at once; one outcome per row. */
@Injectable()
export class OutboxDispatcher {
  private readonly logger = new Logger(OutboxDispatcher.name);
  private readonly channels: Map<OutboxKind, DeliveryChannel>;

  constructor(@Inject(DELIVERY_CHANNELS) channels: DeliveryChannel[]) {
    this.channels = new Map(channels.map((c) => [c.kind, c]));
  }

  async deliver(items: OutboxItem[]): Promise<DeliveryOutcome[]> {
    const outcomes = new Map<string, DeliveryOutcome>();
    const byKind = new Map<OutboxKind, OutboxItem[]>();
    for (const item of items) byKind.set(item.kind, [...(byKind.get(item.kind) ?? []), item]);
    await Promise.all(
      [...byKind].map(async ([kind, group]) => {
        const results = await this.deliverGroup(kind, group);
        group.forEach((item, i) => outcomes.set(item.id, results[i]));
      }),
    );
    return items.map((item) => outcomes.get(item.id)!);
  }

  private async deliverGroup(kind: OutboxKind, group: OutboxItem[]): Promise<DeliveryOutcome[]> {
    const channel = this.channels.get(kind);
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
