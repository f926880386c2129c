import { Body, CanActivate, Controller, ExecutionContext, HttpCode, Injectable, Param, Post, Res, UseGuards } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { CommonError, CommonErrorCode } from '../../src/common/errors/domain-error';
import { AllExceptionsFilter } from '../../src/common/errors/all-exceptions.filter';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { runMigrations } from '../../src/database/migrator';
import { Idempotent } from '../../src/idempotency/idempotency.interceptor';
import { IdempotencyModule } from '../../src/idempotency/idempotency.module';
import { createTestDatabase, withDatabase } from '../helpers/test-database';

let calls = 0;
let gate: Promise<void> = Promise.resolve();

@Injectable()
class ActorFromHeader implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest();
    req.actor = { key_id: 'k', name: req.headers['x-actor'] ?? 'alice', roles: ['admin'] };
    return true;
  }
}

@Controller('things')
@UseGuards(ActorFromHeader)
class ThingsController {
  @Post(':id/act')
  @Idempotent()
  @HttpCode(200)
  async act(@Param('id') id: string, @Body() body: { n?: number }, @Res({ passthrough: true }) reply: FastifyReply) {
    calls += 1;
    await gate;
    if (body?.n === 409) throw new CommonError(CommonErrorCode.CONFLICT, 'conflict answer');
    if (body?.n === 503) throw new CommonError(CommonErrorCode.NOT_READY, 'upstream down');
    if (body?.n === 202) void reply.status(202);
    return { id, n: body?.n ?? null, call: calls };
  }
}

describe('Idempotency-Key', () => {
  let app: NestFastifyApplication;
  let url: string;
  const post = (path: string, body: unknown, key?: string, actor = 'alice') =>
    app.inject({
      method: 'POST',
      url: path,
      payload: JSON.stringify(body),
      headers: { 'content-type': 'application/json', 'x-actor': actor, ...(key ? { 'idempotency-key': key } : {}) },
    });

  beforeAll(async () => {
    url = await createTestDatabase();
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => buildDataSourceOptions(url),
          dataSourceFactory: async (o) => {
            const ds = await new DataSource(o!).initialize();
            await runMigrations(ds);
            return ds;
          },
        }),
        IdempotencyModule,
      ],
      controllers: [ThingsController],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    app.useGlobalFilters(new AllExceptionsFilter());
    await app.init();
  });
  afterAll(() => app.close());
  beforeEach(() => {
    calls = 0;
    gate = Promise.resolve();
  });

  it('replays the first answer (status and body) without acting again', async () => {
    const first = await post('/things/1/act', { n: 202 }, 'k-replay');
    const second = await post('/things/1/act', { n: 202 }, 'k-replay');
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(202);
    expect(second.json()).toEqual(first.json());
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(calls).toBe(1);
  });

  it('replays the first answer byte for byte, keys in the order they were sent, errors included', async () => {
    const first = await post('/things/1/act', { n: 5 }, 'k-bytes');
    const second = await post('/things/1/act', { n: 5 }, 'k-bytes');
    expect(first.body).toBe('{"id":"1","n":5,"call":1}');
    expect(second.body).toBe(first.body);
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    const refused = await post('/things/1/act', { n: 409 }, 'k-bytes-409');
    expect((await post('/things/1/act', { n: 409 }, 'k-bytes-409')).body).toBe(refused.body);
  });

  it('treats bodies with the same content in another key order as the same request', async () => {
    await post('/things/1/act', { n: 1, m: 2 }, 'k-order');
    const again = await post('/things/1/act', { m: 2, n: 1 }, 'k-order');
    expect(again.statusCode).toBe(200);
    expect(calls).toBe(1);
  });

  it('refuses the same key with another body or route (422 IDEMPOTENCY_KEY_REUSED)', async () => {
    await post('/things/1/act', { n: 1 }, 'k-reuse');
    expect((await post('/things/1/act', { n: 2 }, 'k-reuse')).json()).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect((await post('/things/2/act', { n: 1 }, 'k-reuse')).json()).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(calls).toBe(1);
  });

  it('keeps keys per key holder', async () => {
    await post('/things/1/act', { n: 1 }, 'k-holder', 'alice');
    const bob = await post('/things/1/act', { n: 1 }, 'k-holder', 'bob');
    expect(bob.statusCode).toBe(200);
    expect(calls).toBe(2);
  });

  it('makes a concurrent repeat wait for the first and get its answer', async () => {
    let open!: () => void;
    gate = new Promise((r) => (open = r));
    const first = post('/things/1/act', { n: 7 }, 'k-concurrent');
    await new Promise((r) => setTimeout(r, 100));
    const second = post('/things/1/act', { n: 7 }, 'k-concurrent');
    await new Promise((r) => setTimeout(r, 100));
    open();
    const [a, b] = await Promise.all([first, second]);
    expect(b.json()).toEqual(a.json());
    expect(calls).toBe(1);
  });

  it('replays a 4xx answer but lets a retry act after a 5xx', async () => {
    const conflict = await post('/things/1/act', { n: 409 }, 'k-409');
    expect((await post('/things/1/act', { n: 409 }, 'k-409')).json()).toEqual(conflict.json());
    expect(calls).toBe(1);
    await post('/things/1/act', { n: 503 }, 'k-503');
    const retry = await post('/things/1/act', { n: 503 }, 'k-503');
    expect(retry.statusCode).toBe(503);
    expect(calls).toBe(3);
  });

  it('acts every time without a key, and refuses a malformed key', async () => {
    await post('/things/1/act', { n: 1 });
    await post('/things/1/act', { n: 1 });
    expect(calls).toBe(2);
    expect((await post('/things/1/act', { n: 1 }, 'bad key with spaces')).json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('forgets keys after 24 hours', async () => {
    await post('/things/1/act', { n: 1 }, 'k-old');
    await withDatabase(url, (db) => db.query(`UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = 'k-old'`));
    const again = await post('/things/1/act', { n: 2 }, 'k-old');
    expect(again.statusCode).toBe(200);
    expect(calls).toBe(2);
  });
});
