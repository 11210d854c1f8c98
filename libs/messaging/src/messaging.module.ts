import {
  type DynamicModule,
  Global,
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { ModuleRef } from '@nestjs/core';
import { DataSource, type TransactionCommitEvent } from 'typeorm';
import { EventCatalog } from '@credit/contracts';
import {
  HealthRegistry,
  INSTANCE_ID,
  LOGGER,
  Metrics,
  NAMED_CREDENTIALS,
  PLATFORM_CONFIG,
  PgNotifier,
  SERVICE_NAME,
  type ServiceConfig,
  consumerRetryBackoff,
} from '@credit/platform';
import { AdminAudit } from './admin/admin-audit';
import { AdminController } from './admin/admin.controller';
import { DeadLetterService } from './admin/dead-letters.service';
import { ReplayService } from './admin/replay.service';
import { CredentialDirectory } from './credential-directory';
import { EventConsumer } from './event-consumer';
import { KafkaRuntime } from './kafka-runtime';
import { MessagingStatusController } from './messaging-status.controller';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from './messaging-options';
import { OutboxRelay } from './outbox-relay';
import { OutboxAppendedFlag, OutboxWriter } from './outbox-writer';

export type { ConsumerGroupDefinition, MessagingModuleOptions } from './messaging-options';

/**
 * Outbox writer and relay, idempotent consumers with DLQ, Kafka connection with retries.
 * Handler classes are providers of the service's own module (so they can inject its services);
 * they are looked up when the application has bootstrapped, then the consumers start.
 */
@Global()
@Module({})
export class MessagingModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly runtime: KafkaRuntime,
    private readonly relay: OutboxRelay,
    private readonly health: HealthRegistry,
    private readonly metrics: Metrics,
    private readonly moduleRef: ModuleRef,
    private readonly dataSource: DataSource,
    private readonly credentials: CredentialDirectory,
    private readonly notifier: PgNotifier,
    @Inject(PLATFORM_CONFIG) private readonly config: ServiceConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
  ) {}

  static forRoot(options: MessagingModuleOptions): DynamicModule {
    return {
      module: MessagingModule,
      controllers: [MessagingStatusController, AdminController],
      providers: [
        ReplayService,
        DeadLetterService,
        { provide: MESSAGING_OPTIONS, useValue: options },
        { provide: EventCatalog, useValue: options.catalog },
        {
          provide: AdminAudit,
          inject: [DataSource, INSTANCE_ID, PLATFORM_CONFIG],
          useFactory: (dataSource: DataSource, instanceId: string, config: ServiceConfig) =>
            new AdminAudit(dataSource, instanceId, config.ADMIN_ACTION_LEASE_MS),
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
                consumerStart: config.KAFKA_CONSUMER_START,
              },
              logger.child({ component: 'kafka' }),
            ),
        },
        {
          provide: CredentialDirectory,
          inject: [KafkaRuntime, PLATFORM_CONFIG, SERVICE_NAME, INSTANCE_ID, LOGGER],
          useFactory: (
            runtime: KafkaRuntime,
            config: ServiceConfig,
            service: string,
            instanceId: string,
            logger: Logger,
          ) =>
            new CredentialDirectory(
              runtime.kafka,
              {
                // Its own group per instance and per boot: every instance reads every credential.
                groupId: `credit-${service}-credentials-${instanceId}-${randomBytes(4).toString('hex')}`,
                sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
                connectBackoffInitialMs: config.KAFKA_CONNECT_BACKOFF_INITIAL_MS,
                connectBackoffMaxMs: config.KAFKA_CONNECT_BACKOFF_MAX_MS,
              },
              logger.child({ component: 'credentials' }),
            ),
        },
        { provide: NAMED_CREDENTIALS, useExisting: CredentialDirectory },
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
      exports: [
        OutboxWriter,
        OutboxRelay,
        KafkaRuntime,
        EventCatalog,
        AdminAudit,
        CredentialDirectory,
        NAMED_CREDENTIALS,
      ],
    };
  }

  onApplicationBootstrap(): void {
    // Publish as soon as a transaction that appended events commits, not at the next idle poll:
    // at once for this process's commits, through NOTIFY for every instance's.
    const relay = this.relay;
    relay.wakeOn(this.notifier);
    this.dataSource.subscribers.push({
      afterTransactionCommit(event: TransactionCommitEvent): void {
        const data = event.queryRunner.data as Record<string, unknown>;
        if (data[OutboxAppendedFlag] !== true) return;
        data[OutboxAppendedFlag] = false;
        relay.nudge();
      },
    });
    for (const group of this.options.consumers) {
      const handlers = group.handlers.map((type) => this.moduleRef.get(type, { strict: false }));
      this.runtime.addConsumer(
        new EventConsumer(
          this.dataSource,
          this.options.catalog,
          this.runtime.producer,
          this.logger.child({ component: 'consumer', groupId: group.groupId }),
          {
            groupId: group.groupId,
            maxRetries: this.config.CONSUMER_MAX_RETRIES,
            retryBackoffMs: this.config.CONSUMER_RETRY_BACKOFF_MS,
            retryBackoffMaxMs: consumerRetryBackoff(this.config).maxMs,
            batchSizeMax: this.config.CONSUMER_BATCH_SIZE_MAX,
          },
          handlers,
          this.metrics,
        ),
      );
    }
    this.health.register('kafka', () => this.runtime.readiness());
    this.health.register('credentials', () => this.credentials.readiness());
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
    // Once Kafka is reachable (the runtime logs the attempts until then).
    void this.runtime.whenStarted().then(() => this.credentials.start());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
    await this.credentials.stop();
    await this.runtime.stop();
  }
}
