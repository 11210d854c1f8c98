import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { z } from 'zod';
import { ConfigError, type ServiceConfig, loadConfig } from './config';
import { runWithContext, newCorrelationId } from './correlation';
import { isInvariantViolation } from '@credit/kernel';
import { ExitCodeInvariant } from './crash';
import { HttpErrorFilter } from './errors';
import { HostileInputInterceptor, ResponseContractInterceptor } from './http/endpoint';
import {
  type HttpHardening,
  defaultHttpHardening,
  hardenHttp,
  httpHardeningOf,
} from './http/hardening';
import { type ServiceApi, openApiDocument } from './http/openapi';
import { PinoNestLogger, createLogger } from './logging';
import {
  SpanKind,
  contextFromHeaders,
  startSpan,
  startTracing,
  tracingEnabled,
  withActiveSpan,
} from './tracing';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';

/** Exit status for a configuration error (sysexits EX_CONFIG). */
export const ExitCodeConfig = 78;

export interface ServiceDefinition<TConfig extends ServiceConfig> {
  readonly service: string;
  /** Its HTTP API: the routes, title and description of its OpenAPI document. */
  readonly api: ServiceApi;
  readonly envSchema: z.ZodType<TConfig>;
  readonly module: (config: TConfig, logger: Logger) => DynamicModule;
}

/**
 * Boots a service: validates configuration (exits naming the variable), then HTTP with auth,
 * validation, error mapping, correlation ids, OpenAPI at /docs and graceful shutdown.
 */
export async function runService<TConfig extends ServiceConfig>(
  definition: ServiceDefinition<TConfig>,
): Promise<void> {
  let config: TConfig;
  try {
    config = loadConfig(definition.envSchema as unknown as z.ZodObject<z.ZodRawShape>) as TConfig;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`credit-${definition.service}: ${error.message}\n`);
      process.exit(ExitCodeConfig);
    }
    throw error;
  }

  const logger = createLogger(definition.service, config.LOG_LEVEL);
  if (startTracing({ service: definition.service, endpoint: config.TRACING_OTLP_ENDPOINT }))
    logger.info({ endpoint: config.TRACING_OTLP_ENDPOINT }, 'tracing: exporting spans over OTLP');
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled promise rejection: stopping');
    process.exit(isInvariantViolation(reason) ? ExitCodeInvariant : 1);
  });

  const app = await NestFactory.create(definition.module(config, logger), {
    logger: new PinoNestLogger(logger.child({ component: 'nest' })),
    bufferLogs: false,
  });
  configureApp(app, logger, definition.api, httpHardeningOf(config));
  app.enableShutdownHooks();
  await app.listen(config.HTTP_PORT);
  logger.info(
    { port: config.HTTP_PORT },
    `${definition.service} listening on http://127.0.0.1:${config.HTTP_PORT}`,
  );
}

/**
 * Everything a service's HTTP side has besides its controllers: correlation ids, security
 * headers, CORS, the size- and depth-limited JSON body parser, the error shape, the OpenAPI
 * document at /docs/openapi.json (input is validated per route, by `@Input()`). Tests build their
 * apps with it too, so they test what runs; under test every JSON answer is also checked against
 * its route's schema.
 */
export function configureApp(
  app: INestApplication,
  logger: Logger,
  api: Pick<ServiceApi, 'title' | 'description'> & Partial<ServiceApi>,
  http: HttpHardening = defaultHttpHardening,
): void {
  app.use((request: Request, response: Response, next: () => void) => {
    const header = request.headers['x-correlation-id'];
    const correlationId =
      typeof header === 'string' && /^[\w.:-]{1,128}$/.test(header) ? header : newCorrelationId();
    response.setHeader('x-correlation-id', correlationId);
    const span = requestSpan(request, response);
    runWithContext({ correlationId, causationId: null }, () => withActiveSpan(span, next));
  });
  hardenHttp(app, http);
  app.useGlobalFilters(new HttpErrorFilter(logger));
  app.useGlobalInterceptors(new HostileInputInterceptor());
  if (process.env.NODE_ENV === 'test')
    app.useGlobalInterceptors(new ResponseContractInterceptor(logger));
  serveDocuments(app, {
    service: 'unknown',
    port: 0,
    tags: {},
    routes: [],
    ...api,
  });
}

/** The OpenAPI document and a page pointing to it; public, outside the guards. */
function serveDocuments(app: INestApplication, api: ServiceApi): void {
  const document = openApiDocument(api);
  const http = app.getHttpAdapter();
  http.get('/docs/openapi.json', (_: Request, response: Response) => {
    response.json(document);
  });
  http.get('/docs', (_: Request, response: Response) => {
    response
      .type('html')
      .send(
        `<!doctype html><html><head><meta charset="utf-8"><title>${api.title}</title></head>` +
          `<body><h1>${api.title}</h1><p>${api.description}</p>` +
          `<p>OpenAPI 3.1 document: <a href="docs/openapi.json">/docs/openapi.json</a></p></body></html>`,
      );
  });
}

/**
 * A server span per request (child of the caller's `traceparent`, if any), named by its route
 * once routing matched it, ended when the response is sent. Undefined while tracing is off.
 */
function requestSpan(request: Request, response: Response) {
  if (!tracingEnabled()) return undefined;
  const { traceparent, tracestate } = request.headers;
  const span = startSpan(`HTTP ${request.method}`, {
    kind: SpanKind.SERVER,
    parent: contextFromHeaders({
      traceparent: typeof traceparent === 'string' ? traceparent : undefined,
      tracestate: typeof tracestate === 'string' ? tracestate : undefined,
    }),
    attributes: { 'http.request.method': request.method, 'url.path': request.path },
  });
  if (!span) return undefined;
  response.once('finish', () => {
    const route = (request.route as { path?: string } | undefined)?.path;
    if (route) {
      span.updateName(`HTTP ${request.method} ${route}`);
      span.setAttribute('http.route', route);
    }
    span.setAttribute('http.response.status_code', response.statusCode);
    span.end();
  });
  return span;
}
