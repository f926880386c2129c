import helmet from '@fastify/helmet';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import { AppModule } from './app.module';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter';
import { CommonError, CommonErrorCode } from './common/errors/domain-error';
import { GLOBAL_BODY_LIMIT } from './common/http/body-limit.decorator';
import type { RouteBodyConfig } from './common/http/raw-json-body.decorator';
import { requestIdOf } from './common/http/request-id';
import { createValidationPipe } from './common/http/validation';
import type { AppConfig } from './config/app-config';
import { poolSizeWarning } from './database/pool-size';
import { recordHttpMetrics } from './metrics/http-metrics';
import { Metrics } from './metrics/metrics';
import { OUTBOX_LANES } from './notifications/outbox.worker';

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];
const FORM_TYPE = 'application/x-www-form-urlencoded';

const rawBodyOf = (request: FastifyRequest) => (request.routeOptions.config as RouteBodyConfig | undefined)?.raw_body;

/**
 * Fastify-level behaviour Nest does not cover: request ids, route body limits, and the body parsers
 * (JSON whose syntax errors are INVALID_JSON, or the raw text on `@RawJsonBody` routes; YAML as text
 * for project configs; a form as raw text on `@RawFormBody` routes only; nothing else: 415).
 */
function configureFastify(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
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

function setUpOpenApi(app: NestFastifyApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('modelgate')
      .setDescription('Policy-gated model promotions over MLflow, a deploy gate for CI, and pipeline notifications')
      .setVersion('1')
      .addBearerAuth()
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
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
  });
  configureFastify(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot({ config, databaseUrl, logger }), adapter, {
    bufferLogs: true,
    abortOnError: false,
    bodyParser: false, // configureFastify registers the parsers
  });
  app.useLogger(app.get(Logger));
  warnOfSmallPool(config);
  recordHttpMetrics(adapter.getInstance(), app.get(Metrics));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  });
  setUpOpenApi(app);
  await app.init();
  return app;
}
