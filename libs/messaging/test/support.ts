import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import pino from 'pino';
import { z } from 'zod';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { EventCatalog, defineEvent } from '@credit/contracts';
import type { Metrics } from '@credit/platform';
import {
  EventConsumer,
  type EventConsumerFaults,
  type EventConsumerOptions,
  type EventHandler,
} from '../src/event-consumer';
import { KafkaRuntime } from '../src/kafka-runtime';
import { CreateMessagingTables1764000000000 } from '../src/messaging-tables.migration';
import { OutboxRelay, type OutboxRelayFaults, type OutboxRelayOptions } from '../src/outbox-relay';
import { AddOutboxHeaders1764900000001 } from '../src/outbox-headers.migration';
import { ensureTopics } from '../src/topic-admin';
import { recreateTestDatabase } from '@credit/platform';
import { testBrokers, testKafka, waitFor } from '@credit/testing';

/** Where the integration tier finds PostgreSQL and Kafka (set by tools/scripts/test.sh). */
export const testEnv = {
  postgresUrl: process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432',
  brokers: testBrokers(),
};

export const quietLogger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export const kafkaClient = (clientId = 'messaging-test'): Kafka => testKafka(clientId);

/** A Kafka runtime with the test tier's timings: a 6 s session, reconnects within 2 s. */
export function testRuntime(clientId: string, partitionsConsumedConcurrentlyMax = 1): KafkaRuntime {
  return new KafkaRuntime(
    {
      clientId,
      brokers: testEnv.brokers,
      sessionTimeoutMs: 6_000,
      connectBackoffInitialMs: 200,
      connectBackoffMaxMs: 2_000,
      partitionsConsumedConcurrentlyMax,
    },
    quietLogger,
  );
}

/** What a test consumer varies: its group is a fresh one unless given. */
export type TestConsumerOptions = Omit<EventConsumerOptions, 'groupId'> & { groupId?: string };

/**
 * Adds to `runtime` (not started yet) a consumer of `catalog` applying `handlers` in `dataSource`,
 * dead-lettering through the runtime's producer.
 */
export function addTestConsumer(
  runtime: KafkaRuntime,
  dataSource: DataSource,
  catalog: EventCatalog,
  handlers: readonly EventHandler<any>[],
  options: TestConsumerOptions,
  extras: { metrics?: Metrics; faults?: EventConsumerFaults } = {},
): void {
  runtime.addConsumer(
    new EventConsumer(
      dataSource,
      catalog,
      runtime.producer,
      quietLogger,
      { groupId: `g-${randomUUID()}`, ...options },
      handlers,
      extras.metrics,
      extras.faults,
    ),
  );
}

/** An outbox relay of `dataSource` publishing through `runtime`'s producer. */
export function testRelay(
  dataSource: DataSource,
  runtime: KafkaRuntime,
  options: OutboxRelayOptions,
  faults: OutboxRelayFaults = {},
): OutboxRelay {
  return new OutboxRelay(
    dataSource,
    runtime.producer,
    () => runtime.isProducerReady(),
    quietLogger,
    options,
    undefined,
    faults,
  );
}

/** Drops and creates a database for one test file. */
export const freshDatabase = recreateTestDatabase;

/** A table of observable effects: no unique constraint, so a double application would show. */
export class CreateTestEffects1764000000001 implements MigrationInterface {
  name = 'CreateTestEffects1764000000001';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE test_effects (id serial PRIMARY KEY, event_id uuid NOT NULL, n integer NOT NULL)`,
    );
    await queryRunner.query(`CREATE TABLE test_state (id serial PRIMARY KEY, note text NOT NULL)`);
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE test_state`);
    await queryRunner.query(`DROP TABLE test_effects`);
  }
}

export async function openDataSource(url: string): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    migrations: [
      CreateMessagingTables1764000000000,
      AddOutboxHeaders1764900000001,
      CreateTestEffects1764000000001,
    ],
    migrationsTableName: 'test_migrations',
    synchronize: false,
    extra: { max: 5 },
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  return dataSource;
}

export function testEventDefinition(topic: string) {
  return defineEvent({
    type: 'test.happened',
    version: 1,
    topic,
    schema: z.object({ n: z.number().int() }),
  });
}

export function testCatalog(topic: string): EventCatalog {
  return new EventCatalog([testEventDefinition(topic)]);
}

/** A unique topic (and its DLQ) for one test, created explicitly as production does. */
export async function freshTopic(kafka: Kafka, prefix: string, partitions = 3): Promise<string> {
  const name = `test.${prefix}.${randomUUID().slice(0, 8)}`;
  const config = { 'retention.ms': '-1' };
  await ensureTopics(kafka, [
    { name, partitions, config },
    { name: `${name}.dlq`, partitions: 1, config },
  ]);
  return name;
}

export { waitFor };

export interface ReadRecord {
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  offset: string;
}

/** Reads every record of a topic from the beginning with a throwaway group. */
export async function readAll(
  kafka: Kafka,
  topic: string,
  expected: number,
  timeoutMs = 30_000,
): Promise<ReadRecord[]> {
  const consumer = kafka.consumer({
    groupId: `reader-${randomUUID()}`,
    sessionTimeout: 6_000,
    heartbeatInterval: 500,
  });
  const records: ReadRecord[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) {
        const first = Array.isArray(value) ? value[0] : value;
        if (first !== undefined) headers[name] = first.toString();
      }
      records.push({
        key: message.key?.toString() ?? null,
        value: message.value?.toString() ?? null,
        headers,
        offset: message.offset,
      });
      return Promise.resolve();
    },
  });
  try {
    await waitFor(
      `${expected} records on ${topic}`,
      () => Promise.resolve(records.length >= expected ? true : undefined),
      timeoutMs,
    );
    // Give a straggler (an unexpected extra copy) a moment to show up.
    await new Promise((resolve) => setTimeout(resolve, 500));
  } finally {
    await consumer.disconnect();
  }
  return records;
}
