import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { AppModule } from './app.module';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { CommonError, CommonErrorCode } from './common/errors/domain-error';
import { GLOBAL_BODY_LIMIT } from './common/http/body-limit.decorator';
import type { RouteBodyConfig } from './common/http/raw-body.decorator';
import { requestIdOf } from './common/http/request-id';
import { securityHeaders } from './common/http/security-headers';
import { createValidationPipe } from './common/http/validation';
import type { AppConfig } from './config/app-config';
import { poolSizeWarning } from './database/pool-size';
import { NestPinoLogger } from './logging/nest-logger';
import { logRequests } from './logging/request-log';
import { recordHttpMetrics } from './metrics/http-metrics';
import { Metrics } from './metrics/metrics';
import { OUTBOX_LANES } from './outbox/outbox.worker';

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];
const FORM_TYPE = 'application/x-www-form-urlencoded';

const rawBodyOf = (request: FastifyRequest) => (request.routeOptions.config as RouteBodyConfig | undefined)?.raw_body;

/**
 * Fastify-level behaviour Nest does not cover: request ids, security headers, request logs, route
 * body limits, and the body parsers (JSON whose syntax errors are INVALID_JSON, or the raw text on
 * `@RawJsonBody` routes; YAML as text for project configs; a form as raw text on `@RawFormBody`
 * routes only; nothing else: 415).
 */
function configureFastify(fastify: FastifyInstance, logger: PinoLogger): void {
  const headers = securityHeaders();
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(headers).header('x-request-id', request.id);
    done();
  });
  logRequests(fastify, logger);
  fastify.addHook('onRoute', (route) => {
    const limit = (route.config as RouteBodyConfig | undefined)?.body_limit;
    if (limit) route.bodyLimit = limit;
  });
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (rawBodyOf(request) === 'json') return done(null, body);
    if (body === '') return done(null, undefined);
    parseJson(request, body as string, (err, parsed) =>
      err ? done(new CommonError(CommonErrorCode.INVALID_JSON, 'The body is not valid JSON'), undefined) : done(null, parsed),
    );
  });
  fastify.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, body));
  fastify.addContentTypeParser(FORM_TYPE, { parseAs: 'string' }, (request, body, done) =>
    rawBodyOf(request) === 'form' ? done(null, body) : done(new CommonError(CommonErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Unsupported Content-Type; send application/json'), undefined),
  );
}

/** The OpenAPI document is built on the first ask for it: an idle replica does not hold it (~6 MiB). */
function setUpOpenApi(app: NestFastifyApplication): void {
  const config = new DocumentBuilder()
    .setTitle('modelgate')
    .setDescription('Policy-gated model promotions over MLflow, a deploy gate for CI, and pipeline notifications')
    .setVersion('1')
    .addBearerAuth()
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config), { jsonDocumentUrl: 'docs-json' });
}

function warnOfSmallPool(config: AppConfig): void {
  const lanes = config.outbox.workerEnabled ? OUTBOX_LANES : 0;
  const warning = poolSizeWarning(config.databasePoolSize, lanes);
  if (warning) new NestLogger('DatabasePool').warn({ pool_size: config.databasePoolSize, outbox_lanes: lanes }, warning);
}

/** Builds the whole application, ready to listen. Shared by main.ts and the e2e tests. */
export async function createApp(config: AppConfig, databaseUrl: string, logger: PinoLogger): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: GLOBAL_BODY_LIMIT,
    genReqId: requestIdOf,
    requestIdHeader: false,
    return503OnClosing: true,
    skipMiddie: true, // no Nest middleware: request logs and headers are Fastify hooks
  });
  configureFastify(adapter.getInstance(), logger);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot({ config, databaseUrl }), adapter, {
    bufferLogs: true,
    abortOnError: false,
    bodyParser: false, // configureFastify registers the parsers
  });
  app.useLogger(new NestPinoLogger(logger));
  app.flushLogs(); // Nest flushes at listen(); an app served by inject (tests) would keep buffering forever

  warnOfSmallPool(config);
  recordHttpMetrics(adapter.getInstance(), app.get(Metrics));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  setUpOpenApi(app);
  await app.init();
  return app;
}
