import { Global, Module } from '@nestjs/common';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyService } from './idempotency.service';
import { IdempotencyStore } from './idempotency.store';
import { TypeOrmIdempotencyStore } from './idempotency.store.typeorm';

/** Global, so any feature can mark a route `@Idempotent()`. */
@Global()
@Module({
  providers: [IdempotencyService, IdempotencyInterceptor, { provide: IdempotencyStore, useClass: TypeOrmIdempotencyStore }],
  exports: [IdempotencyService, IdempotencyInterceptor],
})
export class IdempotencyModule {}
