import type { EachBatchPayload, KafkaMessage, Producer } from 'kafkajs';
import pino from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { EventCatalog, type EventEnvelope, defineEvent } from '@credit/contracts';
import { InvariantViolation, invariant } from '@credit/kernel';
import { EventConsumer, type EventHandler } from './event-consumer';
import { recordOf } from './records';

const Happened = defineEvent({
  type: 'test.happened',
  version: 1,
  topic: 'test.events',
  schema: z.object({ n: z.number() }),
});

const envelopeOf = (eventId: string): EventEnvelope => ({
  eventId,
  type: Happened.type,
  version: 1,
  occurredAt: '2026-12-01T10:00:00.000Z',
  correlationId: 'c-1',
  causationId: null,
  key: 'K-1',
  producer: 'test',
  payload: { n: 1 },
});

/** A record as kafkajs hands it to a consumer. */
function received(envelope: EventEnvelope, offset: string): KafkaMessage {
  const record = recordOf(envelope);
  return {
    key: Buffer.from(String(record.key)),
    value: Buffer.from(String(record.value)),
    headers: Object.fromEntries(
      Object.entries(record.headers ?? {}).map(([k, v]) => [k, Buffer.from(String(v))]),
    ),
    offset,
    timestamp: '0',
    attributes: 0,
  };
}

/** A data source whose transactions accept every inbox row (each event is new). */
const dataSource = {
  transaction: <T>(work: (manager: EntityManager) => Promise<T>) =>
    work({
      queryRunner: undefined,
      query: (_sql: string, params: unknown[]) =>
        Promise.resolve(
          Array.isArray(params[3]) ? params[3].map((id) => ({ event_id: id })) : [{}],
        ),
    } as unknown as EntityManager),
} as unknown as DataSource;

function setUp(batchSizeMax: number) {
  const broken: EventHandler = {
    name: 'broken',
    definition: Happened,
    handle: () => {
      invariant(false, 'the loan vanished under its lock');
      return Promise.resolve();
    },
  };
  const send = jest.fn(() => Promise.resolve([]));
  const crash = jest.fn();
  const consumer = new EventConsumer(
    dataSource,
    new EventCatalog([Happened]),
    { send } as unknown as Producer,
    pino({ level: 'silent' }),
    { groupId: 'test', maxRetries: 3, retryBackoffMs: 1, batchSizeMax },
    [broken],
    undefined,
    {},
    crash,
  );
  const resolveOffset = jest.fn();
  const payload = {
    batch: {
      topic: Happened.topic,
      partition: 0,
      messages: [
        received(envelopeOf('7d9f6a0e-1c2b-4e5f-8a9b-0c1d2e3f4a5b'), '10'),
        received(envelopeOf('8e0a7b1f-2d3c-4f60-9bac-1d2e3f4a5b6c'), '11'),
      ],
    },
    heartbeat: () => Promise.resolve(),
    isRunning: () => true,
    isStale: () => false,
    resolveOffset,
    commitOffsetsIfNecessary: () => Promise.resolve(),
  } as unknown as EachBatchPayload;
  return { consumer, payload, send, crash, resolveOffset };
}

describe('EventConsumer on a broken invariant', () => {
  it.each([1, 10])(
    'crashes at once (batch size %i): no retry, no dead letter, the offset stays',
    async (batchSizeMax) => {
      const { consumer, payload, send, crash, resolveOffset } = setUp(batchSizeMax);
      await expect(consumer.eachBatch(payload)).rejects.toBeInstanceOf(InvariantViolation);
      expect(crash).toHaveBeenCalledTimes(1);
      expect(crash.mock.calls[0]?.[0]).toBeInstanceOf(InvariantViolation);
      expect(send).not.toHaveBeenCalled();
      expect(resolveOffset).not.toHaveBeenCalled();
    },
  );

  it('a re-delivery crashes too instead of reporting the event failed', async () => {
    const { consumer, payload, crash } = setUp(1);
    const [message] = payload.batch.messages;
    await expect(
      consumer.redeliver(Happened.topic, 0, message as KafkaMessage, { dryRun: false }),
    ).rejects.toBeInstanceOf(InvariantViolation);
    expect(crash).toHaveBeenCalledTimes(1);
  });

  it('an ordinary failure is still retried and dead-lettered, without a crash', async () => {
    const { payload } = setUp(1);
    const send = jest.fn(() => Promise.resolve([]));
    const crash = jest.fn();
    const failing = new EventConsumer(
      dataSource,
      new EventCatalog([Happened]),
      { send } as unknown as Producer,
      pino({ level: 'silent' }),
      { groupId: 'test', maxRetries: 1, retryBackoffMs: 1 },
      [
        {
          name: 'failing',
          definition: Happened,
          handle: () => Promise.reject(new Error('database unavailable')),
        },
      ],
      undefined,
      {},
      crash,
    );
    await failing.eachBatch(payload);
    expect(send).toHaveBeenCalledTimes(2);
    expect(crash).not.toHaveBeenCalled();
  });
});
