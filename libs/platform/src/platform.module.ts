import {
  type DynamicModule,
  Global,
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { APP_GUARD } from '@nestjs/core';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import {
  ApiKeyDirectory,
  ApiKeyGuard,
  AUTHENTICATORS,
  type Authenticator,
  NAMED_CREDENTIALS,
} from './auth';
import type { ServiceConfig } from './config';
import { customerTokenVerifierOf, CustomerTokenVerifier } from './customer-token';
import {
  type DatabaseOptions,
  createDataSource,
  databaseIsUp,
  initializeDatabase,
} from './database';
import { HealthController, HealthRegistry } from './health';
import { AuthFailureLimiter } from './http/hardening';
import { HttpMetricsMiddleware, Metrics, MetricsController } from './metrics';
import { flushTracing } from './tracing';
import { PgNotifier } from './pg-notifier';

export const PLATFORM_CONFIG = Symbol('PLATFORM_CONFIG');
export const LOGGER = Symbol('LOGGER');
export const SERVICE_NAME = Symbol('SERVICE_NAME');
/** This process's identity among the service's instances (INSTANCE_ID, or host-pid-random). */
export const INSTANCE_ID = Symbol('INSTANCE_ID');

export function instanceIdOf(config: Pick<ServiceConfig, 'INSTANCE_ID'>): string {
  return config.INSTANCE_ID ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

export interface PlatformModuleOptions {
  readonly service: string;
  readonly config: ServiceConfig;
  readonly logger: Logger;
  readonly database: Pick<DatabaseOptions, 'entities' | 'migrations'>;
}

/** Config, logger, database, auth, health and metrics: what every service has. */
@Global()
@Module({})
export class PlatformModule
  implements NestModule, OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown
{
  constructor(
    private readonly health: HealthRegistry,
    private readonly dataSource: DataSource,
    private readonly metrics: Metrics,
    private readonly notifier: PgNotifier,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  static forRoot(options: PlatformModuleOptions): DynamicModule {
    const { service, config, logger } = options;
    return {
      module: PlatformModule,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_NAME, useValue: service },
        { provide: INSTANCE_ID, useValue: instanceIdOf(config) },
        {
          provide: PgNotifier,
          useValue: new PgNotifier(
            config.DATABASE_URL,
            logger.child({ component: 'pg-notifier' }),
            `credit-${service}-listen`,
          ),
        },
        { provide: PLATFORM_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: Metrics, useValue: new Metrics(service) },
        HealthRegistry,
        {
          provide: ApiKeyDirectory,
          useValue: new ApiKeyDirectory({
            operator: config.OPERATOR_API_KEY,
            admin: config.ADMIN_API_KEY,
          }),
        },
        { provide: CustomerTokenVerifier, useValue: customerTokenVerifierOf(config) },
        {
          provide: AUTHENTICATORS,
          useFactory: (
            keys: ApiKeyDirectory,
            tokens: CustomerTokenVerifier,
            named?: Authenticator,
          ): Authenticator[] => (named ? [keys, named, tokens] : [keys, tokens]),
          inject: [
            ApiKeyDirectory,
            CustomerTokenVerifier,
            { token: NAMED_CREDENTIALS, optional: true },
          ],
        },
        {
          provide: AuthFailureLimiter,
          useValue: new AuthFailureLimiter(
            config.AUTH_FAILURE_BURST,
            config.AUTH_FAILURES_PER_MINUTE,
          ),
        },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        {
          provide: DataSource,
          useFactory: () =>
            initializeDatabase(
              createDataSource({
                url: config.DATABASE_URL,
                poolMax: config.DATABASE_POOL_MAX,
                migrationsTableName: `${service}_migrations`,
                applicationName: `credit-${service}`,
                ...options.database,
              }),
              logger,
              config.MIGRATIONS_DATABASE_URL,
            ),
        },
      ],
      exports: [
        SERVICE_NAME,
        INSTANCE_ID,
        PLATFORM_CONFIG,
        LOGGER,
        Metrics,
        HealthRegistry,
        DataSource,
        PgNotifier,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }

  onModuleInit(): void {
    this.health.register('database', () => databaseIsUp(this.dataSource));
    void this.metrics;
  }

  /** LISTEN starts once every module registered its channels (onModuleInit). */
  async onApplicationBootstrap(): Promise<void> {
    await this.notifier.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.notifier.stop();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    this.logger.info('database connections closed');
    await flushTracing();
  }
}
