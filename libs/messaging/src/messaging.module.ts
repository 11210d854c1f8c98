import {
  type DynamicModule,
  Global,
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Type,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { EventCatalog } from '@credit/contracts';
import {
  HealthRegistry,
  LOGGER,
  Metrics,
  PLATFORM_CONFIG,
  SERVICE_NAME,
  type ServiceConfig,
} from '@credit/platform';
import { EventConsumer, type EventHandler } from './event-consumer';
import { KafkaRuntime } from './kafka-runtime';
import { MessagingStatusController } from './messaging-status.controller';
import { OutboxRelay } from './outbox-relay';
import { OutboxWriter } from './outbox-writer';

export interface ConsumerGroupDefinition {
  /** The Kafka consumer group, e.g. `ledger`. */
  readonly groupId: string;
  readonly handlers: readonly Type<EventHandler>[];
}

export interface MessagingModuleOptions {
  readonly catalog: EventCatalog;
  readonly consumers: readonly ConsumerGroupDefinition[];
}

const EVENT_CONSUMERS = Symbol('EVENT_CONSUMERS');

/** Outbox writer and relay, idempotent consumers with DLQ, Kafka connection with retries. */
@Global()
@Module({})
export class MessagingModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly runtime: KafkaRuntime,
    private readonly relay: OutboxRelay,
    private readonly health: HealthRegistry,
    private readonly metrics: Metrics,
    @Inject(EVENT_CONSUMERS) readonly consumers: EventConsumer[],
  ) {}

  static forRoot(options: MessagingModuleOptions): DynamicModule {
    const handlerTypes = options.consumers.flatMap((group) => group.handlers);
    return {
      module: MessagingModule,
      controllers: [MessagingStatusController],
      providers: [
        ...handlerTypes,
        { provide: EventCatalog, useValue: options.catalog },
        {
          provide: EVENT_CONSUMERS,
          inject: [KafkaRuntime, DataSource, PLATFORM_CONFIG, LOGGER, Metrics, ...handlerTypes],
          useFactory: (
            runtime: KafkaRuntime,
            dataSource: DataSource,
            config: ServiceConfig,
            logger: Logger,
            metrics: Metrics,
            ...handlers: EventHandler[]
          ) => {
            let next = 0;
            return options.consumers.map((group) => {
              const groupHandlers = handlers.slice(next, next + group.handlers.length);
              next += group.handlers.length;
              const consumer = new EventConsumer(
                dataSource,
                options.catalog,
                runtime.producer,
                logger.child({ component: 'consumer', groupId: group.groupId }),
                {
                  groupId: group.groupId,
                  maxRetries: config.CONSUMER_MAX_RETRIES,
                  retryBackoffMs: config.CONSUMER_RETRY_BACKOFF_MS,
                },
                groupHandlers,
                metrics,
              );
              runtime.addConsumer(consumer);
              return consumer;
            });
          },
        },
        {
          provide: KafkaRuntime,
          inject: [PLATFORM_CONFIG, SERVICE_NAME, LOGGER],
          useFactory: (config: ServiceConfig, service: string, logger: Logger) =>
            new KafkaRuntime(
              {
                clientId: `credit-${service}`,
                brokers: config.KAFKA_BROKERS,
                sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
                connectBackoffInitialMs: config.KAFKA_CONNECT_BACKOFF_INITIAL_MS,
                connectBackoffMaxMs: config.KAFKA_CONNECT_BACKOFF_MAX_MS,
                partitionsConsumedConcurrentlyMax: config.CONSUMER_PARTITIONS_CONCURRENCY_MAX,
              },
              logger.child({ component: 'kafka' }),
            ),
        },
        {
          provide: OutboxWriter,
          inject: [SERVICE_NAME],
          useFactory: (service: string) => new OutboxWriter(service),
        },
        {
          provide: OutboxRelay,
          inject: [DataSource, KafkaRuntime, PLATFORM_CONFIG, LOGGER, Metrics],
          useFactory: (
            dataSource: DataSource,
            runtime: KafkaRuntime,
            config: ServiceConfig,
            logger: Logger,
            metrics: Metrics,
          ) =>
            new OutboxRelay(
              dataSource,
              runtime.producer,
              () => runtime.isProducerReady(),
              logger.child({ component: 'outbox-relay' }),
              {
                batchSizeMax: config.OUTBOX_BATCH_SIZE_MAX,
                pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
              },
              metrics,
            ),
        },
      ],
      exports: [OutboxWriter, OutboxRelay, KafkaRuntime, EventCatalog],
    };
  }

  onApplicationBootstrap(): void {
    this.health.register('kafka', () => this.runtime.readiness());
    this.runtime.registerMetrics(this.metrics);
    this.metrics.gauge(
      'outbox_backlog',
      'Outbox rows committed but not yet published',
      [],
      async (gauge) => {
        gauge.set(await this.relay.backlog());
      },
    );
    this.runtime.start();
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.runtime.stop();
  }
}
