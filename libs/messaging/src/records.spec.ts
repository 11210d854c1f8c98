import type { IHeaders } from 'kafkajs';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { EventHeaders, type EventEnvelope, defineEvent } from '@credit/contracts';
import {
  SpanKind,
  contextFromHeaders,
  inSpan,
  startSpan,
  startTracing,
  stopTracing,
  traceHeadersOfSpan,
} from '@credit/platform';
import { OutboxWriter } from './outbox-writer';
import { recordOf, traceHeadersOfRecord, tracedRecordOf } from './records';

const envelope: EventEnvelope = {
  eventId: '7d9f6a0e-1c2b-4e5f-8a9b-0c1d2e3f4a5b',
  type: 'test.happened',
  version: 1,
  occurredAt: '2026-12-01T10:00:00.000Z',
  correlationId: 'c-1',
  causationId: null,
  key: 'L-1',
  producer: 'svc',
  payload: { n: 1 },
};

/** Headers as kafkajs hands them to a consumer: Buffers. */
const received = (headers: IHeaders | undefined): IHeaders =>
  Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [name, Buffer.from(String(value))]),
  );

describe('trace context on Kafka records', () => {
  const exporter = new InMemorySpanExporter();
  beforeAll(() => startTracing({ service: 'records-test', exporter }));
  afterAll(() => stopTracing());

  it('a record sent under a send span carries its context, and the consumer extracts that span as its parent', () => {
    const send = startSpan('send test', { kind: SpanKind.PRODUCER });
    if (!send) throw new Error('tracing is on: a span is expected');
    const record = tracedRecordOf(envelope, traceHeadersOfSpan(send));
    const parent = trace.getSpanContext(
      contextFromHeaders(traceHeadersOfRecord(received(record.headers))),
    );
    expect(parent).toMatchObject({
      traceId: send.spanContext().traceId,
      spanId: send.spanContext().spanId,
      isRemote: true,
    });
    expect(record.headers?.[EventHeaders.eventId]).toBe(envelope.eventId);
  });

  it('a record without trace headers yields no parent: the consumer starts a new trace', () => {
    const headers = traceHeadersOfRecord(received(recordOf(envelope).headers));
    expect(headers.traceparent).toBeUndefined();
    expect(trace.getSpanContext(contextFromHeaders(headers))).toBeUndefined();
  });

  it('an outbox append inside a span stores that span as the parent of the row', async () => {
    const definition = defineEvent({
      type: 'test.happened',
      version: 1,
      topic: 'test.happened',
      schema: z.object({ n: z.number().int() }),
    });
    const inserts: unknown[][] = [];
    const manager = {
      queryRunner: { data: {} },
      query: (_sql: string, params: unknown[]) => {
        inserts.push(params);
        return Promise.resolve([]);
      },
    } as unknown as EntityManager;
    const writer = new OutboxWriter('svc');
    const spanId = await inSpan('HTTP POST /x', { kind: SpanKind.SERVER }, async (span) => {
      await writer.append(manager, { definition, key: 'L-1', payload: { n: 1 } });
      return span?.spanContext().spanId;
    });
    await writer.append(manager, { definition, key: 'L-1', payload: { n: 2 } });
    const stored = inserts.map((params) => params[5]);
    expect(JSON.parse(String(stored[0]))).toEqual({
      traceparent: expect.stringMatching(new RegExp(`^00-[0-9a-f]{32}-${spanId}-01$`)),
    });
    expect(stored[1]).toBeNull();
  });
});
