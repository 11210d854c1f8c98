import { type DynamicModule, type INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { z } from 'zod';
import { ConfigError, type ServiceConfig, loadConfig } from './config';
import { runWithContext, newCorrelationId } from './correlation';
import { isInvariantViolation } from '@credit/kernel';
import { ExitCodeInvariant } from './crash';
import { HttpErrorFilter, validationException } from './errors';
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
  readonly title: string;
  readonly description: string;
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
  configureApp(app, logger, definition);
  app.enableShutdownHooks();
  await app.listen(config.HTTP_PORT);
  logger.info(
    { port: config.HTTP_PORT },
    `${definition.service} listening on http://127.0.0.1:${config.HTTP_PORT}`,
  );
}

/**
 * Everything a service's HTTP side has besides its controllers: correlation ids, the error shape,
 * validation, OpenAPI. Tests build their apps with it too, so they test what runs.
 */
export function configureApp(
  app: INestApplication,
  logger: Logger,
  definition: { title: string; description: string },
): void {
  app.use((request: Request, response: Response, next: () => void) => {
    const header = request.headers['x-correlation-id'];
    const correlationId =
      typeof header === 'string' && /^[\w.:-]{1,128}$/.test(header) ? header : newCorrelationId();
    response.setHeader('x-correlation-id', correlationId);
    const span = requestSpan(request, response);
    runWithContext({ correlationId, causationId: null }, () => withActiveSpan(span, next));
  });
  app.useGlobalFilters(new HttpErrorFilter(logger));
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: validationException,
    }),
  );
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(definition.title)
      .setDescription(definition.description)
      .setVersion('1')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        description: 'API key: customer, operator or admin',
      })
      .addSecurityRequirements('bearer')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
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
