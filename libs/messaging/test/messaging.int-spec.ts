import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Kafka, Producer } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import { EventHeaders, type EventEnvelope } from '@credit/contracts';
import { Metrics } from '@credit/platform';
import type { EventHandler } from '../src/event-consumer';
import type { KafkaRuntime } from '../src/kafka-runtime';
import { EventValidationError, OutboxWriter } from '../src/outbox-writer';
import { recordOf } from '../src/records';
import {
  type TestConsumerOptions,
  addTestConsumer,
  freshDatabase,
  freshTopic,
  kafkaClient,
  openDataSource,
  readAll,
  testCatalog,
  testEnv,
  testEventDefinition,
  testRelay,
  testRuntime,
  waitFor,
} from './support';

const root = path.resolve(__dirname, '..', '..', '..');
const worker = path.join(__dirname, 'fixtures', 'messaging-worker.ts');

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function runWorker(env: Record<string, string>): { child: ChildProcess; exited: Promise<Exit> } {
  const child = spawn(process.execPath, ['-r', './tools/runtime/register.js', worker], {
    cwd: root,
    env: { ...process.env, KAFKA_BROKERS: testEnv.brokers.join(','), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Exit>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, exited };
}

async function effectsFor(dataSource: DataSource, eventId: string): Promise<number> {
  const rows = await dataSource.query<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM test_effects WHERE event_id = $1`,
    [eventId],
  );
  return rows[0]?.n ?? 0;
}

describe('messaging backbone against a real broker and PostgreSQL', () => {
  let kafka: Kafka;
  let dataSource: DataSource;
  let databaseUrl: string;
  let producer: Producer;
  const runtimes: KafkaRuntime[] = [];
  const writer = new OutboxWriter('messaging-test');

  function runtime(): KafkaRuntime {
    const created = testRuntime('messaging-test', 3);
    runtimes.push(created);
    return created;
  }

  /** A started runtime with one consumer of `topic` (test.happened) applying `handlers`. */
  function startConsumer(
    topic: string,
    handlers: readonly EventHandler<{ n: number }>[],
    options: TestConsumerOptions,
    metrics?: Metrics,
  ): void {
    const kafkaRuntime = runtime();
    addTestConsumer(kafkaRuntime, dataSource, testCatalog(topic), handlers, options, { metrics });
    kafkaRuntime.start();
  }

  /** Waits until `eventId` has its effect. */
  const appliedOnce = (what: string, eventId: string) =>
    waitFor(what, async () => ((await effectsFor(dataSource, eventId)) === 1 ? true : undefined));

  function effectsHandler(failWhen: (n: number) => boolean = () => false): EventHandler<{
    n: number;
  }> & {
    calls: number;
  } {
    return {
      name: 'test-effects',
      calls: 0,
      definition: testEventDefinition('unused'),
      async handle(event: EventEnvelope<{ n: number }>, manager: EntityManager) {
        this.calls++;
        if (failWhen(event.payload.n)) throw new Error(`cannot apply n=${event.payload.n}: poison`);
        await manager.query(`INSERT INTO test_effects (event_id, n) VALUES ($1, $2)`, [
          event.eventId,
          event.payload.n,
        ]);
      },
    };
  }

  beforeAll(async () => {
    kafka = kafkaClient();
    databaseUrl = await freshDatabase('credit_test_messaging');
    dataSource = await openDataSource(databaseUrl);
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });

  afterAll(async () => {
    await Promise.allSettled(runtimes.map((r) => r.stop()));
    await producer.disconnect();
    await dataSource.destroy();
  });

  it('outbox event reaches its consumer exactly once although the relay died after publishing and before marking the row', async () => {
    const topic = await freshTopic(kafka, 'relay-crash');
    const definition = testEventDefinition(topic);
    const event = await dataSource.transaction(async (manager) => {
      await manager.query(`INSERT INTO test_state (note) VALUES ('state change')`);
      return writer.append(manager, { definition, key: 'loan-1', payload: { n: 1 } });
    });

    const crashed = await runWorker({
      WORKER_MODE: 'relay',
      WORKER_FAULT: 'after-publish',
      WORKER_TOPIC: topic,
      WORKER_DATABASE_URL: databaseUrl,
    }).exited;
    expect(crashed.signal).toBe('SIGKILL');
    const pending = await dataSource.query<{ published_at: Date | null }[]>(
      `SELECT published_at FROM outbox WHERE event_id = $1`,
      [event.eventId],
    );
    expect(pending[0]?.published_at).toBeNull();

    const recovered = await runWorker({
      WORKER_MODE: 'relay',
      WORKER_TOPIC: topic,
      WORKER_DATABASE_URL: databaseUrl,
    }).exited;
    expect(recovered).toMatchObject({ code: 0 });

    // The broker holds two copies of the event: one from each relay run.
    const copies = await readAll(kafka, topic, 2);
    expect(copies.map((r) => r.headers[EventHeaders.eventId])).toEqual([
      event.eventId,
      event.eventId,
    ]);

    const metrics = new Metrics('test');
    const handler = { ...effectsHandler(), definition };
    startConsumer(topic, [handler], { maxRetries: 0, retryBackoffMs: 10 }, metrics);
    await waitFor('both copies consumed', async () => {
      const values = await metrics.eventsConsumed.get();
      const total = values.values.reduce((sum, v) => sum + v.value, 0);
      return total >= 2 ? true : undefined;
    });
    expect(await effectsFor(dataSource, event.eventId)).toBe(1);
    const outcomes = (await metrics.eventsConsumed.get()).values.map((v) => [
      v.labels.outcome,
      v.value,
    ]);
    expect(outcomes).toEqual(
      expect.arrayContaining([
        ['processed', 1],
        ['duplicate', 1],
      ]),
    );
  });

  it('event is applied exactly once although the consumer died after its DB commit and before its offset commit', async () => {
    const topic = await freshTopic(kafka, 'consumer-crash');
    const definition = testEventDefinition(topic);
    const envelope = writer.build({ definition, key: 'loan-2', payload: { n: 7 } });
    await producer.send({ topic, acks: -1, messages: [recordOf(envelope)] });
    const groupId = `g-${randomUUID()}`;

    const crashed = await runWorker({
      WORKER_MODE: 'consume',
      WORKER_FAULT: 'after-commit',
      WORKER_TOPIC: topic,
      WORKER_DATABASE_URL: databaseUrl,
      WORKER_GROUP_ID: groupId,
    }).exited;
    expect(crashed.signal).toBe('SIGKILL');
    expect(await effectsFor(dataSource, envelope.eventId)).toBe(1);

    const admin = kafka.admin();
    await admin.connect();
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    expect(committed[0]?.partitions.every((p) => p.offset === '-1')).toBe(true);

    // The same group resumes: the event is delivered again and recognised as a duplicate.
    const metrics = new Metrics('test');
    const handlers = [{ ...effectsHandler(), definition }];
    startConsumer(topic, handlers, { groupId, maxRetries: 0, retryBackoffMs: 10 }, metrics);
    await waitFor('redelivery consumed', async () =>
      (await metrics.eventsConsumed.get()).values.length > 0 ? true : undefined,
    );
    expect(
      (await metrics.eventsConsumed.get()).values.map((v) => [v.labels.outcome, v.value]),
    ).toEqual([['duplicate', 1]]);
    expect(await effectsFor(dataSource, envelope.eventId)).toBe(1);
    await waitFor('offset committed', async () => {
      const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
      return offsets[0]?.partitions.some((p) => p.offset !== '-1') ? true : undefined;
    });
    await admin.disconnect();
  });

  it('poison message goes to the DLQ after the configured retries with its error, and the messages behind it are processed', async () => {
    const topic = await freshTopic(kafka, 'poison', 1);
    const definition = testEventDefinition(topic);
    const events = [1, 2, 3].map((n) =>
      writer.build({ definition, key: 'same-key', payload: { n } }),
    );
    await producer.send({ topic, acks: -1, messages: events.map(recordOf) });

    const handler = { ...effectsHandler((n) => n === 2), definition };
    const maxRetries = 2;
    startConsumer(topic, [handler], { maxRetries, retryBackoffMs: 20 });

    const [dead] = await readAll(kafka, `${topic}.dlq`, 1);
    await appliedOnce('message behind the poison applied', events[2]!.eventId);
    expect(await effectsFor(dataSource, events[0]!.eventId)).toBe(1);
    expect(await effectsFor(dataSource, events[1]!.eventId)).toBe(0);
    expect(handler.calls).toBe(1 + (maxRetries + 1) + 1);
    expect(dead?.headers[EventHeaders.dlqError]).toContain('cannot apply n=2: poison');
    expect(dead?.headers[EventHeaders.dlqErrorKind]).toBe('processing');
    expect(dead?.headers[EventHeaders.dlqAttempts]).toBe(String(maxRetries + 1));
    expect(dead?.headers[EventHeaders.dlqOriginalTopic]).toBe(topic);
    expect(dead?.key).toBe('same-key');
    expect(JSON.parse(dead?.value ?? '{}')).toEqual(events[1]);
  });

  /** Events n = 1…count for `topic`, on one key: one partition, in order. */
  const numbered = (definition: ReturnType<typeof testEventDefinition>, count: number) =>
    Array.from({ length: count }, (_, i) =>
      writer.build({ definition, key: 'same-key', payload: { n: i + 1 } }),
    );

  /** Waits until the last event is applied, then: each applied once, but the `skipped` ns none. */
  async function expectAppliedOnceExcept(events: EventEnvelope[], skipped: number[]) {
    await appliedOnce('the last event applied', events.at(-1)!.eventId);
    for (const [index, event] of events.entries()) {
      expect({ n: index + 1, effects: await effectsFor(dataSource, event.eventId) }).toEqual({
        n: index + 1,
        effects: skipped.includes(index + 1) ? 0 : 1,
      });
    }
  }

  it('applies consecutive events in one transaction, and a poison among them falls back to one by one', async () => {
    const { handler } = await poisonAmongGrouped('grouped', 30, 17, effectsHandler);
    // Groups of ten: 1–10 and 21–30 together (one call each); 11–20 once together (failed at 17,
    // rolled back), then one by one: 11–16 and 18–20 once more, 17 twice more (first try and retry).
    expect(handler.calls).toBe(10 + 7 + (6 + 2 + 3) + 10);
  });

  /** A consumer of `topic` applying up to ten events per transaction, one retry. */
  function startGroupedConsumer(topic: string, handler: EventHandler<{ n: number }>): void {
    startConsumer(topic, [handler], { maxRetries: 1, retryBackoffMs: 20, batchSizeMax: 10 });
  }

  /**
   * `count` events on one partition to a grouped consumer whose handler fails on event `poison`:
   * once all but the poison are applied once and the poison is dead-lettered, returns the handler
   * and the dead letter.
   */
  async function poisonAmongGrouped<H extends EventHandler<{ n: number }>>(
    prefix: string,
    count: number,
    poison: number,
    handlerFor: (failWhen: (n: number) => boolean) => H,
  ) {
    const topic = await freshTopic(kafka, prefix, 1);
    const definition = testEventDefinition(topic);
    const events = numbered(definition, count);
    await producer.send({ topic, acks: -1, messages: events.map(recordOf) });
    const handler = { ...handlerFor((n) => n === poison), definition };
    startGroupedConsumer(topic, handler);
    const [dead] = await readAll(kafka, `${topic}.dlq`, 1);
    await expectAppliedOnceExcept(events, [poison]);
    expect(JSON.parse(dead?.value ?? '{}')).toEqual(events[poison - 1]);
    return { handler, dead };
  }

  /** effectsHandler with the set-based path: records each handleMany call's event numbers. */
  function batchEffectsHandler(failWhen: (n: number) => boolean = () => false) {
    const single = effectsHandler(failWhen);
    return Object.assign(single, {
      batches: [] as number[][],
      async handleMany(events: readonly EventEnvelope<{ n: number }>[], manager: EntityManager) {
        this.batches.push(events.map((e) => e.payload.n));
        const poison = events.find((e) => failWhen(e.payload.n));
        if (poison) throw new Error(`cannot apply n=${poison.payload.n}: poison`);
        await manager.query(
          `INSERT INTO test_effects (event_id, n) SELECT * FROM unnest($1::uuid[], $2::int[])`,
          [events.map((e) => e.eventId), events.map((e) => e.payload.n)],
        );
      },
    });
  }

  it('applies a group with one handleMany call and one inbox insert, skipping events already applied and copies within the group', async () => {
    const topic = await freshTopic(kafka, 'set-based', 1);
    const definition = testEventDefinition(topic);
    const events = numbered(definition, 6);
    const handler = { ...batchEffectsHandler(), definition };
    // Event 2 was applied before (its inbox row exists); event 4 is delivered twice in the group.
    await dataSource.query(
      `INSERT INTO inbox (handler, event_id, event_type, topic, partition, "offset") VALUES ($1, $2, $3, $4, 0, 0)`,
      [handler.name, events[1]!.eventId, definition.type, topic],
    );
    const records = [...events.slice(0, 4), events[3]!, ...events.slice(4)];
    await producer.send({ topic, acks: -1, messages: records.map(recordOf) });
    startGroupedConsumer(topic, handler);
    await expectAppliedOnceExcept(events, [2]);
    // Kafka may hand the records over in more than one fetch: each is one call, in order, with
    // only new events, none twice.
    expect(handler.batches.flat()).toEqual([1, 3, 4, 5, 6]);
    expect(handler.calls).toBe(0);
  });

  it('a failing event makes its set-based group fall back to one by one, and only it is dead-lettered', async () => {
    const { handler, dead } = await poisonAmongGrouped(
      'set-based-poison',
      8,
      5,
      batchEffectsHandler,
    );
    expect(dead?.headers[EventHeaders.dlqError]).toContain('cannot apply n=5: poison');
    // The poison was tried alone twice (first try and one retry) after its group failed.
    expect(handler.batches.some((batch) => batch.includes(5))).toBe(true);
    expect(handler.calls).toBeGreaterThanOrEqual(2);
  });

  it('envelope that fails schema validation goes to the DLQ with the validation error, without retries; another type on the stream is skipped', async () => {
    const topic = await freshTopic(kafka, 'invalid', 1);
    const definition = testEventDefinition(topic);
    const valid = writer.build({ definition, key: 'k', payload: { n: 1 } });
    const badPayload = {
      ...writer.build({ definition, key: 'k', payload: { n: 2 } }),
      payload: { n: 'two' },
    };
    const badEnvelope = {
      ...writer.build({ definition, key: 'k', payload: { n: 3 } }),
      eventId: 'not-a-uuid',
    };
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: 'k', value: JSON.stringify(badPayload) },
        { key: 'k', value: '{not json' },
        { key: 'k', value: JSON.stringify(badEnvelope) },
        // Another consumer's event type on the same stream: skipped unread, never dead-lettered here.
        {
          key: 'k',
          value: '{not json either',
          headers: { [EventHeaders.type]: 'test.other-happened', [EventHeaders.version]: '1' },
        },
        recordOf(valid),
      ],
    });

    const handler = { ...effectsHandler(), definition };
    startConsumer(topic, [handler], { maxRetries: 3, retryBackoffMs: 10 });

    const dead = await readAll(kafka, `${topic}.dlq`, 3);
    expect(dead).toHaveLength(3);
    expect(dead.map((d) => d.headers[EventHeaders.dlqErrorKind])).toEqual([
      'validation',
      'malformed',
      'validation',
    ]);
    expect(dead[0]?.headers[EventHeaders.dlqError]).toMatch(
      /payload of test\.happened v1 invalid: n: /,
    );
    expect(dead[0]?.headers[EventHeaders.dlqAttempts]).toBe('0');
    expect(dead[2]?.headers[EventHeaders.dlqError]).toMatch(/envelope invalid: eventId/);
    await appliedOnce('valid message applied', valid.eventId);
    expect(handler.calls).toBe(1);
    // The valid message came after the other type's record on the one partition: had that record
    // been dead-lettered, it would be on the DLQ by now.
    const admin = kafka.admin();
    await admin.connect();
    const dlqEnd = await admin.fetchTopicOffsets(`${topic}.dlq`);
    await admin.disconnect();
    expect(dlqEnd.map((p) => p.high)).toEqual(['3']);
  });

  it('refuses to append an event whose payload does not match its schema, so nothing is committed', async () => {
    const definition = testEventDefinition('test.unused');
    const before = await dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM outbox`);
    await expect(
      dataSource.transaction((manager) =>
        writer.append(manager, { definition, key: 'k', payload: { n: 1.5 } }),
      ),
    ).rejects.toBeInstanceOf(EventValidationError);
    const after = await dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM outbox`);
    expect(after[0]?.n).toBe(before[0]?.n);
  });

  it('relay publishes committed rows in order and marks them, and the backlog drains to zero', async () => {
    const topic = await freshTopic(kafka, 'relay-order', 1);
    const definition = testEventDefinition(topic);
    const appended = await dataSource.transaction(async (manager) => {
      const out: EventEnvelope[] = [];
      for (let n = 0; n < 25; n++)
        out.push(await writer.append(manager, { definition, key: 'ordered', payload: { n } }));
      return out;
    });
    const kafkaRuntime = runtime();
    kafkaRuntime.start();
    await kafkaRuntime.whenStarted();
    const relay = testRelay(dataSource, kafkaRuntime, { batchSizeMax: 10, pollIntervalMs: 20 });
    relay.start();
    await waitFor('backlog drained', async () =>
      (await relay.backlog()) === 0 ? true : undefined,
    );
    await relay.stop();
    const records = await readAll(kafka, topic, 25);
    expect(records.map((r) => r.headers[EventHeaders.eventId])).toEqual(
      appended.map((e) => e.eventId),
    );
  });
});
