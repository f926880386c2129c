import { Module, OnModuleInit } from '@nestjs/common';
import { OutboxChannels } from '../outbox/outbox-channels';
import { OutboxModule } from '../outbox/outbox.module';
import { BusChannel } from './bus.channel';
import { EventBusPublisher } from './event-bus-publisher';
import { EVENTBRIDGE_CLIENT_PROVIDER } from './eventbridge-client.factory';
import { LifecyclePublisher } from './lifecycle-publisher';

/** What modelgate publishes on EventBridge (EVENT_BUS_NAME): lifecycle events through the outbox, and the channel that sends them. */
@Module({
  imports: [OutboxModule],
  providers: [EVENTBRIDGE_CLIENT_PROVIDER, EventBusPublisher, BusChannel, LifecyclePublisher],
  exports: [LifecyclePublisher],
})
export class LifecycleEventsModule implements OnModuleInit {
  constructor(
    private readonly channels: OutboxChannels,
    private readonly bus: BusChannel,
  ) {}

  onModuleInit(): void {
    this.channels.register(this.bus);
  }
}
