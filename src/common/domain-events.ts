import { Injectable, Logger } from '@nestjs/common';

/** Facts one feature announces and others react to, in this process. Name → payload. */
export interface DomainEventMap {
  /** A version of `model` changed stage through modelgate (promotion, rejection, rollback). */
  'model.stage_changed': { model: string };
}

type Handler<K extends keyof DomainEventMap> = (payload: DomainEventMap[K]) => void;

/** A typed in-process event bus. Handlers run synchronously and must not throw (errors are logged). */
@Injectable()
export class DomainEvents {
  private readonly logger = new Logger(DomainEvents.name);
  private readonly handlers = new Map<keyof DomainEventMap, Handler<never>[]>();

  on<K extends keyof DomainEventMap>(name: K, handler: Handler<K>): void {
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), handler as Handler<never>]);
  }

  emit<K extends keyof DomainEventMap>(name: K, payload: DomainEventMap[K]): void {
    for (const handler of (this.handlers.get(name) ?? []) as Handler<K>[]) {
      try {
        handler(payload);
      } catch (err) {
        this.logger.error({ err, event: name }, 'domain event handler failed');
      }
    }
  }
}
