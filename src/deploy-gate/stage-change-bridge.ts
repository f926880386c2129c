import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DomainEvents } from '../common/domain-events';
import { ChangeFeed } from '../database/change-feed';
import { GateRegistryReader } from './gate-registry-reader';

/** The NOTIFY channel on which replicas announce stage changes; the payload is the model's name. */
export const STAGE_CHANGES_CHANNEL = 'modelgate_stage_changes';
/** NOTIFY payloads stop at 8,000 bytes; a longer name is announced as "forget every model". */
const MAX_NAME_BYTES = 7000;

/**
 * One gate truth across replicas: each `model.stage_changed` emitted here (after its commit) is
 * announced on the change feed, and every replica's announcement makes this replica's gate forget
 * the model. An empty payload forgets every model.
 */
@Injectable()
export class StageChangeBridge implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(StageChangeBridge.name);
  private stopFeed?: () => Promise<void>;

  constructor(
    private readonly events: DomainEvents,
    private readonly feed: ChangeFeed,
    private readonly reader: GateRegistryReader,
  ) {}

  onModuleInit(): void {
    this.events.on('model.stage_changed', ({ model }) => this.announce(model));
    this.stopFeed = this.feed.watch(STAGE_CHANGES_CHANNEL, {
      changed: (model) => (model === '' ? this.reader.forgetAll() : this.reader.forget(model)),
      live: (isLive) => this.reader.hearReplicas(isLive),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.stopFeed?.();
  }

  private announce(model: string): void {
    const payload = Buffer.byteLength(model) > MAX_NAME_BYTES ? '' : model;
    // Unheard, other replicas still answer from MLflow reads at most 1 s old.
    this.feed.announce(STAGE_CHANGES_CHANNEL, payload).catch((err: unknown) => this.logger.warn({ err, model }, 'stage change could not be announced to other replicas'));
  }
}
