import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Outbox } from './outbox';
import { OutboxChannels } from './outbox-channels';
import { OutboxRetention } from './outbox-retention';
import { OutboxDispatcher } from './outbox.dispatcher';
import { OutboxEntity } from './outbox.entity';
import { OutboxSignal } from './outbox.signal';
import { OutboxStore } from './outbox.store';
import { TypeOrmOutboxStore } from './outbox.store.typeorm';
import { OutboxWorker } from './outbox.worker';

/**
 * The outbox: rows added in the transaction of their fact, leased and sent by the worker through
 * the channel of their kind, each outcome recorded; delivered rows purged after RETENTION_DAYS.
 * It knows no channel: the features owning the rows register theirs in {@link OutboxChannels}.
 */
@Module({
  imports: [TypeOrmModule.forFeature([OutboxEntity])],
  providers: [
    { provide: OutboxStore, useClass: TypeOrmOutboxStore },
    OutboxChannels,
    OutboxDispatcher,
    OutboxSignal,
    OutboxWorker,
    Outbox,
    OutboxRetention,
  ],
  exports: [Outbox, OutboxChannels, OutboxStore, OutboxSignal],
})
export class OutboxModule {}
