import { Body, Controller, type INestApplication, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { EventCatalog, type EventEnvelope, defineEvent } from '@credit/contracts';
import {
  OtlpSpanKind,
  type OtlpReceiver,
  PinoNestLogger,
  type ReceivedSpan,
  configureApp,
  flushTracing,
  startOtlpReceiver,
  startTracing,
  stopTracing,
  traceTransactions,
} from '@credit/platform';
import type { EventHandler } from '../src/event-consumer';
import type { KafkaRuntime } from '../src/kafka-runtime';
import type { OutboxRelay } from '../src/outbox-relay';
import { OutboxWriter } from '../src/outbox-writer';
import {
  addTestConsumer,
  freshDatabase,
  freshTopic,
  kafkaClient,
  openDataSource,
  quietLogger,
  testRelay,
  testRuntime,
  waitFor,
} from './support';

/**
 * One origination's trace across two services: an HTTP request in service A appends an event,
 * A's relay sends it, service B consumes it and appends a follow-up event, B's relay sends that,
 * and A consumes it. Every span is exported over OTLP/HTTP to a real receiver in this test, and
 * the whole chain must share one trace id with each hop the child of the one before.
 */

const Ordered = (topic: string) =>
  defineEvent({ type: 'test.ordered', version: 1, topic, schema: z.object({ n: z.number() }) });
const Confirmed = (topic: string) =>
  defineEvent({ type: 'test.confirmed', version: 1, topic, schema: z.object({ n: z.number() }) });

describe('tracing an origination across two services over OTLP/HTTP', () => {
  const spans: ReceivedSpan[] = [];
  let receiver: OtlpReceiver;
  let kafka: Kafka;
  let databaseA: DataSource;
  let databaseB: DataSource;
  let app: INestApplication;
  const runtimes: KafkaRuntime[] = [];
  const relays: OutboxRelay[] = [];

  function runtime(clientId: string): KafkaRuntime {
    const created = testRuntime(clientId);
    runtimes.push(created);
    return created;
  }

  function relay(dataSource: DataSource, kafkaRuntime: KafkaRuntime): OutboxRelay {
    const created = testRelay(dataSource, kafkaRuntime, { batchSizeMax: 50, pollIntervalMs: 20 });
    relays.push(created);
    return created;
  }

  beforeAll(async () => {
    receiver = await startOtlpReceiver(0, (received) => spans.push(...received));
    startTracing({ service: 'tracing-test', endpoint: receiver.endpoint });
    kafka = kafkaClient();
    databaseA = await openDataSource(await freshDatabase('credit_test_tracing_a'));
    databaseB = await openDataSource(await freshDatabase('credit_test_tracing_b'));
    // What initializeDatabase does at service boot while tracing is on.
    traceTransactions(databaseA);
    traceTransactions(databaseB);
  });

  afterAll(async () => {
    await app?.close();
    await Promise.allSettled(relays.map((r) => r.stop()));
    await Promise.allSettled(runtimes.map((r) => r.stop()));
    await stopTracing();
    await receiver.close();
    await databaseA?.destroy();
    await databaseB?.destroy();
  });

  it('HTTP request → outbox → Kafka → consumer → outbox → Kafka → consumer is one trace, each span the child of the one before', async () => {
    const ordersTopic = await freshTopic(kafka, 'trace-orders', 1);
    const confirmationsTopic = await freshTopic(kafka, 'trace-confirmations', 1);
    const ordered = Ordered(ordersTopic);
    const confirmed = Confirmed(confirmationsTopic);
    const writerA = new OutboxWriter('service-a');
    const writerB = new OutboxWriter('service-b');

    // Service A: HTTP in, its relay out, and a consumer of B's confirmations.
    @Controller()
    class OrdersController {
      @Post('orders')
      async order(@Body() body: { n: number }): Promise<{ eventId: string }> {
        const event = await databaseA.transaction((manager) =>
          writerA.append(manager, { definition: ordered, key: `order-${body.n}`, payload: body }),
        );
        return { eventId: event.eventId };
      }
    }
    @Module({ controllers: [OrdersController] })
    class ServiceAModule {}
    app = await NestFactory.create(ServiceAModule, { logger: new PinoNestLogger(quietLogger) });
    configureApp(app, quietLogger, { title: 'service A', description: 'test' });
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer() as { address(): { port: number } }).address().port;

    const confirmationsApplied: string[] = [];
    const confirmationHandler: EventHandler<{ n: number }> = {
      name: 'service-a-confirmations',
      definition: confirmed,
      async handle(event: EventEnvelope<{ n: number }>) {
        confirmationsApplied.push(event.eventId);
        return Promise.resolve();
      },
    };
    const runtimeA = runtime('service-a');
    addTestConsumer(runtimeA, databaseA, new EventCatalog([confirmed]), [confirmationHandler], {
      groupId: `a-${randomUUID()}`,
      maxRetries: 0,
      retryBackoffMs: 10,
    });

    // Service B: consumes orders, confirms each through its own outbox and relay.
    const orderHandler: EventHandler<{ n: number }> = {
      name: 'service-b-orders',
      definition: ordered,
      async handle(event: EventEnvelope<{ n: number }>, manager: EntityManager) {
        await writerB.append(manager, {
          definition: confirmed,
          key: event.key,
          payload: event.payload,
        });
      },
    };
    const runtimeB = runtime('service-b');
    addTestConsumer(runtimeB, databaseB, new EventCatalog([ordered]), [orderHandler], {
      groupId: `b-${randomUUID()}`,
      maxRetries: 0,
      retryBackoffMs: 10,
    });
    for (const [dataSource, kafkaRuntime] of [
      [databaseA, runtimeA],
      [databaseB, runtimeB],
    ] as const) {
      kafkaRuntime.start();
      relay(dataSource, kafkaRuntime).start();
    }
    await Promise.all(runtimes.map((r) => r.whenStarted()));

    const response = await fetch(`http://127.0.0.1:${port}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ n: 7 }),
    });
    expect(response.status).toBe(201);
    await waitFor('the confirmation applied in service A', () =>
      Promise.resolve(confirmationsApplied.length > 0 ? true : undefined),
    );
    const named = (name: string, kind: number) =>
      spans.find((s) => s.name === name && s.kind === kind);
    await waitFor('the last consumer span at the receiver', async () => {
      await flushTracing();
      return named('process test.confirmed', OtlpSpanKind.consumer);
    });

    const find = (name: string, kind: number) => {
      const span = named(name, kind);
      if (!span) throw new Error(`no ${name} span among ${spans.map((s) => s.name).join(', ')}`);
      return span;
    };
    const request = find('HTTP POST /orders', OtlpSpanKind.server);
    const sendOrder = find(`send ${ordersTopic}`, OtlpSpanKind.producer);
    const processOrder = find('process test.ordered', OtlpSpanKind.consumer);
    const sendConfirmation = find(`send ${confirmationsTopic}`, OtlpSpanKind.producer);
    const processConfirmation = find('process test.confirmed', OtlpSpanKind.consumer);
    const chain = [request, sendOrder, processOrder, sendConfirmation, processConfirmation];

    expect(new Set(chain.map((s) => s.traceId)).size).toBe(1);
    expect(request.parentSpanId).toBe('');
    for (const [index, span] of chain.entries()) {
      if (index > 0) expect(span.parentSpanId).toBe(chain[index - 1]?.spanId);
      expect(span.service).toBe('credit-tracing-test');
      expect(span.endMs).toBeGreaterThanOrEqual(span.startMs);
    }
    expect(request.attributes['http.response.status_code']).toBe(201);
    expect(processOrder.attributes['messaging.kafka.message.key']).toBe('order-7');

    // The database transactions: the request's and each consumer's, children of their work.
    const transactions = spans.filter(
      (s) => s.name === 'db.transaction' && s.traceId === request.traceId,
    );
    expect(transactions.map((s) => s.parentSpanId).sort()).toEqual(
      [request.spanId, processOrder.spanId, processConfirmation.spanId].sort(),
    );
    expect(transactions.map((s) => s.attributes['db.namespace']).sort()).toEqual(
      ['credit_test_tracing_a', 'credit_test_tracing_a', 'credit_test_tracing_b'].sort(),
    );
    // Each relay's batch is a span of its own, linked to nothing and parent to nothing.
    const batches = spans.filter((s) => s.name === 'outbox relay batch');
    expect(batches.length).toBeGreaterThanOrEqual(2);
    expect(batches.every((s) => s.attributes['messaging.batch.message_count'] === 1)).toBe(true);
  });
});
