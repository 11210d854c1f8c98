import {
  type DynamicModule,
  Global,
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ApiKeyDirectory, ApiKeyGuard } from './auth';
import type { ServiceConfig } from './config';
import {
  type DatabaseOptions,
  createDataSource,
  databaseIsUp,
  initializeDatabase,
} from './database';
import { HealthController, HealthRegistry } from './health';
import { HttpMetricsMiddleware, Metrics, MetricsController } from './metrics';
import { flushTracing } from './tracing';

export const PLATFORM_CONFIG = Symbol('PLATFORM_CONFIG');
export const LOGGER = Symbol('LOGGER');
export const SERVICE_NAME = Symbol('SERVICE_NAME');

export interface PlatformModuleOptions {
  readonly service: string;
  readonly config: ServiceConfig;
  readonly logger: Logger;
  readonly database: Pick<DatabaseOptions, 'entities' | 'migrations'>;
}

/** Config, logger, database, auth, health and metrics: what every service has. */
@Global()
@Module({})
export class PlatformModule implements NestModule, OnModuleInit, OnApplicationShutdown {
  constructor(
    private readonly health: HealthRegistry,
    private readonly dataSource: DataSource,
    private readonly metrics: Metrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  static forRoot(options: PlatformModuleOptions): DynamicModule {
    const { service, config, logger } = options;
    return {
      module: PlatformModule,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: SERVICE_NAME, useValue: service },
        { provide: PLATFORM_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: Metrics, useValue: new Metrics(service) },
        HealthRegistry,
        {
          provide: ApiKeyDirectory,
          useValue: new ApiKeyDirectory({
            customer: config.CUSTOMER_API_KEY,
            operator: config.OPERATOR_API_KEY,
            admin: config.ADMIN_API_KEY,
          }),
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
            ),
        },
      ],
      exports: [SERVICE_NAME, PLATFORM_CONFIG, LOGGER, Metrics, HealthRegistry, DataSource],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }

  onModuleInit(): void {
    this.health.register('database', () => databaseIsUp(this.dataSource));
    void this.metrics;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    this.logger.info('database connections closed');
    await flushTracing();
  }
}
