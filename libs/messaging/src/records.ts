import type { IHeaders, Message } from 'kafkajs';
import { EventHeaders, type EventEnvelope } from '@credit/contracts';

/** The Kafka record for an envelope: JSON value, key = aggregate id, identifying headers. */
export function recordOf(envelope: EventEnvelope): Message {
  return {
    key: envelope.key,
    value: JSON.stringify(envelope),
    headers: {
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
