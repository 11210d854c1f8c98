import type { IHeaders, Message } from 'kafkajs';
import { EventHeaders, type EventEnvelope } from '@credit/contracts';
import { TraceHeaders } from '@credit/platform';

/** The Kafka record for an envelope: JSON value, key = aggregate id, identifying headers. */
export function recordOf(envelope: EventEnvelope): Message {
  return tracedRecordOf(envelope, undefined);
}

/** The same record carrying W3C trace context headers (those of the send span), if any. */
export function tracedRecordOf(
  envelope: EventEnvelope,
  traceHeaders: Readonly<Record<string, string>> | undefined,
): Message {
  return {
    key: envelope.key,
    value: JSON.stringify(envelope),
    headers: {
      ...traceHeaders,
      [EventHeaders.eventId]: envelope.eventId,
      [EventHeaders.type]: envelope.type,
      [EventHeaders.version]: String(envelope.version),
      [EventHeaders.correlationId]: envelope.correlationId,
    },
  };
}

export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return typeof first === 'string' ? first : first.toString('utf8');
}

/** The W3C trace context headers of a record (none when it was published untraced). */
export function traceHeadersOfRecord(
  headers: IHeaders | undefined,
): Record<string, string | undefined> {
  return {
    [TraceHeaders.traceparent]: headerText(headers, TraceHeaders.traceparent),
    [TraceHeaders.tracestate]: headerText(headers, TraceHeaders.tracestate),
  };
}
