import {
  type Admin,
  type Consumer,
  Kafka,
  type LogEntry,
  logLevel,
  Partitioners,
  type Producer,
} from 'kafkajs';
import type { Logger } from 'pino';
import { dlqTopicOf } from '@credit/contracts';
import type { Metrics } from '@credit/platform';
import type { EventConsumer } from './event-consumer';
import { backoffDelayMs } from '@credit/kernel';

export interface KafkaRuntimeOptions {
  readonly clientId: string;
  readonly brokers: readonly string[];
  readonly sessionTimeoutMs: number;
  readonly connectBackoffInitialMs: number;
  readonly connectBackoffMaxMs: number;
  readonly partitionsConsumedConcurrentlyMax: number;
  /** Where a consumer group without committed offsets starts: all of history (default) or new events only. */
  readonly consumerStart?: 'earliest' | 'latest';
  /** Upper bound of bytes fetched per partition per batch: bounds in-flight work. */
  readonly maxBytesPerPartition?: number;
}

const DefaultMaxBytesPerPartition = 1024 * 1024;

/** kafkajs log lines go to pino; connection chatter is debug, our own line per attempt is the signal. */
function kafkaLogCreator(logger: Logger) {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, ...extra } = log;
      // Connection chatter repeats on every retry; our own line per attempt carries the signal.
      // The idempotent-producer retry warning is expected: retries are bounded on purpose, because
      // the outbox republishes and consumers deduplicate by event id.
      const noisy =
        namespace === 'Connection' ||
        namespace === 'BrokerPool' ||
        namespace === 'Cluster' ||
        message.startsWith('Limiting retries for the idempotent producer');
      const fields = { kafka: namespace, ...extra };
      if (level === logLevel.ERROR && !noisy) logger.error(fields, message);
      else if (level === logLevel.WARN && !noisy) logger.warn(fields, message);
      else logger.debug(fields, message);
    };
}

/**
 * The Kafka side of one service: the idempotent producer (outbox relay and DLQ), the consumers,
 * connection with retries and backoff, and readiness for /health.
 */
export class KafkaRuntime {
  readonly kafka: Kafka;
  readonly producer: Producer;
  private admin: Admin | undefined;
  private readonly consumers = new Map<EventConsumer, Consumer>();
  private readonly joined = new Set<EventConsumer>();
  private producerConnected = false;
  private stopped = false;
  private starting: Promise<void> | undefined;
  private lastError: string | undefined = 'not connected yet';
  private readonly eventConsumers: EventConsumer[] = [];

  constructor(
    private readonly options: KafkaRuntimeOptions,
    private readonly logger: Logger,
  ) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      connectionTimeout: 3_000,
      requestTimeout: 30_000,
      retry: { initialRetryTime: 300, retries: 5, maxRetryTime: 10_000 },
      logLevel: logLevel.INFO,
      logCreator: kafkaLogCreator(logger),
    });
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Murmur2 on the key, as Java clients partition: one aggregate's events share a partition.
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 5, initialRetryTime: 300, maxRetryTime: 10_000 },
    });
    this.producer.on(this.producer.events.CONNECT, () => (this.producerConnected = true));
    this.producer.on(this.producer.events.DISCONNECT, () => (this.producerConnected = false));
  }

  /** Consumers must be added before start(). */
  addConsumer(eventConsumer: EventConsumer): void {
    if (this.starting) throw new Error('consumers must be added before the Kafka runtime starts');
    this.eventConsumers.push(eventConsumer);
  }

  /** The consumers this service runs (replays and dead-letter re-drives go through them). */
  eventConsumerList(): readonly EventConsumer[] {
    return this.eventConsumers;
  }

  /** Every topic this service's consumers read, sorted. */
  inputTopics(): string[] {
    return [...new Set(this.eventConsumers.flatMap((c) => c.topics()))].sort();
  }

  isProducerReady(): boolean {
    return this.producerConnected;
  }

  readiness(): { up: boolean; detail?: string } {
    if (!this.producerConnected)
      return { up: false, detail: this.lastError ?? 'producer not connected' };
    const waiting = this.eventConsumers.filter((c) => !this.joined.has(c)).map((c) => c.groupId);
    if (waiting.length > 0)
      return { up: false, detail: `consumer groups not joined: ${waiting.join(', ')}` };
    return { up: true };
  }

  /** Starts in the background; returns at once. Retries until connected or stopped. */
  start(): void {
    this.starting ??= this.connectWithRetry();
  }

  async whenStarted(): Promise<void> {
    await this.starting;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.starting?.catch(() => undefined);
    await Promise.allSettled([...this.consumers.values()].map((consumer) => consumer.disconnect()));
    await this.admin?.disconnect().catch(() => undefined);
    await this.producer.disconnect().catch(() => undefined);
  }

  private async connectWithRetry(): Promise<void> {
    const backoff = {
      initialMs: this.options.connectBackoffInitialMs,
      maxMs: this.options.connectBackoffMaxMs,
    };
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        await this.connectOnce();
        this.lastError = undefined;
        this.logger.info(
          { brokers: this.options.brokers, attempt },
          `connected to Kafka at ${this.options.brokers.join(',')}`,
        );
        return;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const delayMs = backoffDelayMs(backoff, attempt);
        this.lastError = `Kafka unreachable: ${reason}`;
        this.logger.warn(
          { attempt, retryInMs: delayMs, brokers: this.options.brokers },
          `Kafka not reachable at ${this.options.brokers.join(',')} (attempt ${attempt}): ${reason}; retrying in ${delayMs} ms`,
        );
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }

  private async connectOnce(): Promise<void> {
    // A probe without internal retries: while Kafka is down an attempt fails at once, so the
    // backoff between attempts is ours and each attempt logs exactly one line.
    // (kafkajs connects with the client's retry policy, so the probe has a client of its own.)
    const probe = new Kafka({
      clientId: `${this.options.clientId}-probe`,
      brokers: [...this.options.brokers],
      connectionTimeout: 3_000,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    }).admin();
    try {
      await probe.connect();
    } finally {
      await probe.disconnect().catch(() => undefined);
    }
    await this.producer.connect();
    for (const eventConsumer of this.eventConsumers) {
      if (this.consumers.has(eventConsumer)) continue;
      const consumer = this.kafka.consumer({
        groupId: eventConsumer.groupId,
        sessionTimeout: this.options.sessionTimeoutMs,
        heartbeatInterval: Math.floor(this.options.sessionTimeoutMs / 10),
        allowAutoTopicCreation: false,
        maxBytesPerPartition: this.options.maxBytesPerPartition ?? DefaultMaxBytesPerPartition,
        retry: {
          retries: 10,
          initialRetryTime: 300,
          maxRetryTime: 30_000,
          restartOnFailure: () => Promise.resolve(true),
        },
      });
      consumer.on(consumer.events.GROUP_JOIN, () => this.joined.add(eventConsumer));
      consumer.on(consumer.events.CRASH, (event) => {
        this.joined.delete(eventConsumer);
        this.logger.error(
          {
            groupId: eventConsumer.groupId,
            err: event.payload.error,
            restart: event.payload.restart,
          },
          `consumer ${eventConsumer.groupId} crashed`,
        );
      });
      consumer.on(consumer.events.STOP, () => this.joined.delete(eventConsumer));
      try {
        await consumer.connect();
        await consumer.subscribe({
          topics: eventConsumer.topics(),
          fromBeginning: (this.options.consumerStart ?? 'earliest') === 'earliest',
        });
        await eventConsumer.run(consumer, this.options.partitionsConsumedConcurrentlyMax);
      } catch (error) {
        await consumer.disconnect().catch(() => undefined);
        throw error;
      }
      this.consumers.set(eventConsumer, consumer);
    }
  }

  /** Registers consumer lag and DLQ size gauges, read from the broker when scraped. */
  registerMetrics(metrics: Metrics): void {
    metrics.gauge(
      'kafka_consumer_lag',
      'Messages behind the log end, per group and topic',
      ['group', 'topic'],
      async (gauge) => {
        if (!this.producerConnected) return;
        const admin = await this.connectedAdmin();
        gauge.reset();
        for (const eventConsumer of this.eventConsumers) {
          for (const topic of eventConsumer.topics()) {
            const [ends, committed] = await Promise.all([
              admin.fetchTopicOffsets(topic),
              admin.fetchOffsets({ groupId: eventConsumer.groupId, topics: [topic] }),
            ]);
            const committedByPartition = new Map(
              (committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]),
            );
            let lag = 0n;
            for (const end of ends) {
              const position = committedByPartition.get(end.partition) ?? -1n;
              const high = BigInt(end.high);
              const low = BigInt(end.low);
              lag += position < 0n ? high - low : high - position;
            }
            gauge.set({ group: eventConsumer.groupId, topic }, Number(lag));
          }
        }
      },
    );
    metrics.gauge(
      'kafka_dlq_messages',
      'Messages held in the dead-letter topics this service feeds',
      ['topic'],
      async (gauge) => {
        if (!this.producerConnected) return;
        const admin = await this.connectedAdmin();
        gauge.reset();
        const topics = new Set(this.eventConsumers.flatMap((c) => c.topics().map(dlqTopicOf)));
        for (const topic of topics) {
          const offsets = await admin.fetchTopicOffsets(topic);
          const size = offsets.reduce((sum, p) => sum + (BigInt(p.high) - BigInt(p.low)), 0n);
          gauge.set({ topic }, Number(size));
        }
      },
    );
  }

  /** A shared admin client, connected on first use. */
  async connectedAdmin(): Promise<Admin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }
}
