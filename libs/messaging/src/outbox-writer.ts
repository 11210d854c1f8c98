import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { type EventDefinition, type EventEnvelope, envelopeSchema } from '@credit/contracts';
import { currentContext, newCorrelationId } from '@credit/platform';

/** Set on a transaction's query runner when it appended to the outbox: its commit wakes the relay. */
export const OutboxAppendedFlag = 'messaging.outboxAppended';

function markAppended(manager: EntityManager): void {
  if (manager.queryRunner)
    (manager.queryRunner.data as Record<string, unknown>)[OutboxAppendedFlag] = true;
}

export class EventValidationError extends Error {
  readonly code = 'MESSAGING.EVENT_INVALID';
  constructor(
    readonly eventType: string,
    readonly problems: string,
  ) {
    super(`event ${eventType} does not match its schema: ${problems}`);
  }
}

export interface NewEvent<TPayload> {
  readonly definition: EventDefinition;
  /** The aggregate id: Kafka keeps the order of one key's events. */
  readonly key: string;
  readonly payload: TPayload;
  readonly eventId?: string;
  readonly correlationId?: string;
  readonly causationId?: string | null;
  readonly occurredAt?: Date;
}

/**
 * Appends events to the outbox inside the caller's transaction, so an event exists exactly when
 * the state change that produced it was committed. The relay publishes it later.
 */
export class OutboxWriter {
  constructor(private readonly producer: string) {}

  build<TPayload>(event: NewEvent<TPayload>): EventEnvelope<TPayload> {
    const parsed = event.definition.schema.safeParse(event.payload);
    if (!parsed.success) {
      throw new EventValidationError(event.definition.type, parsed.error.message);
    }
    const context = currentContext();
    const envelope: EventEnvelope<TPayload> = {
      eventId: event.eventId ?? randomUUID(),
      type: event.definition.type,
      version: event.definition.version,
      occurredAt: (event.occurredAt ?? new Date()).toISOString(),
      correlationId: event.correlationId ?? context?.correlationId ?? newCorrelationId(),
      causationId:
        event.causationId !== undefined ? event.causationId : (context?.causationId ?? null),
      key: event.key,
      producer: this.producer,
      payload: parsed.data as TPayload,
    };
    const checked = envelopeSchema.safeParse(envelope);
    if (!checked.success)
      throw new EventValidationError(event.definition.type, checked.error.message);
    return envelope;
  }

  async append<TPayload>(
    manager: EntityManager,
    event: NewEvent<TPayload>,
  ): Promise<EventEnvelope<TPayload>> {
    const envelope = this.build(event);
    await manager.query(
      `INSERT INTO outbox (event_id, event_type, topic, message_key, envelope) VALUES ($1, $2, $3, $4, $5)`,
      [
        envelope.eventId,
        envelope.type,
        event.definition.topic,
        envelope.key,
        JSON.stringify(envelope),
      ],
    );
    markAppended(manager);
    return envelope;
  }

  /** Appends many events with one statement (batch postings). */
  async appendMany(
    manager: EntityManager,
    events: readonly NewEvent<unknown>[],
  ): Promise<EventEnvelope<unknown>[]> {
    if (events.length === 0) return [];
    const envelopes = events.map((event) => this.build(event));
    await manager.query(
      `INSERT INTO outbox (event_id, event_type, topic, message_key, envelope)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::jsonb[])`,
      [
        envelopes.map((e) => e.eventId),
        envelopes.map((e) => e.type),
        events.map((e) => e.definition.topic),
        envelopes.map((e) => e.key),
        envelopes.map((e) => JSON.stringify(e)),
      ],
    );
    markAppended(manager);
    return envelopes;
  }
}
