import { Global, Module } from '@nestjs/common';
import { DomainEvents } from './domain-events';

/** Cross-feature plumbing every module may inject. */
@Global()
@Module({ providers: [DomainEvents], exports: [DomainEvents] })
export class CommonModule {}
