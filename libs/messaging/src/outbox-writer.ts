import { createHash, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { type EventDefinition, type EventEnvelope, envelopeSchema } from '@credit/contracts';
import { currentContext, currentTraceHeaders, newCorrelationId } from '@credit/platform';

/** Set on a transaction's query runner when it appended to the outbox: its commit wakes the relay. */
export const OutboxAppendedFlag = 'messaging.outboxAppended';

function markAppended(manager: EntityManager): void {
  if (manager.queryRunner)
    (manager.queryRunner.data as Record<string, unknown>)[OutboxAppendedFlag] = true;
}

/**
 * Headers stored with an appended row and sent with its record: the trace context of the work
 * appending it (an HTTP request, a consumed event), so the relay's send span and the consumer's
 * span continue that trace. Null while tracing is off.
 */
function appendHeaders(): string | null {
  const headers = currentTraceHeaders();
  return headers ? JSON.stringify(headers) : null;
}

/** Per transaction: how many events of each (type, key) a handler's causing event produced. */
const DerivedCounts = 'messaging.derivedEventCounts';
/** Per transaction: the name of the handler applying the causing event (set by the consumer). */
export const HandlerInTransaction = 'messaging.handler';

/**
 * The id of an event produced while handling another (the causation): a name-based UUID (RFC 9562
 * version 8, from SHA-256) of the source (producer and handler), the causing event id, the type, the key and its ordinal
 * among same-typed events for that key. Handling the same event again (a replay into an emptied
 * database, a rebuild) therefore produces the same ids, and every consumer downstream drops the
 * copies by its inbox: a rebuild never duplicates an event.
 */
export function derivedEventId(
  source: string,
  causationId: string,
  type: string,
  key: string,
  ordinal: number,
): string {
  const hex = createHash('sha256')
    .update(`${source}\u0000${causationId}\u0000${type}\u0000${key}\u0000${ordinal}`)
    .digest('hex');
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
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
  /**
   * What caused the event when it is not a consumed event (a scheduler, a worker, a request): the
   * task (`source`) and a name of the cause stable across runs (a loan id, a settlement id, a
   * business date, an idempotency key). The event's id is derived from it, so doing the same work
   * again (a retry, a rebuild from the log) publishes the same id and consumers drop the copy.
   */
  readonly cause?: EventCause;
  readonly correlationId?: string;
  readonly causationId?: string | null;
  readonly occurredAt?: Date;
}

/** See NewEvent.cause. */
export interface EventCause {
  readonly source: string;
  readonly id: string;
}

/** See OutboxWriter.prepareMany. */
export interface PreparedOutboxInsert {
  readonly envelopes: EventEnvelope<unknown>[];
  /** The INSERT statement, its parameters numbered from `first`. */
  readonly sql: (first: number) => string;
  readonly params: unknown[];
}

/**
 * Appends events to the outbox inside the caller's transaction, so an event exists exactly when
 * the state change that produced it was committed. The relay publishes it later.
 */
export class OutboxWriter {
  constructor(private readonly producer: string) {}

  /**
   * The envelope of an event, its payload checked against the definition's schema. `trusted`
   * skips the schema checks: for a producer whose payloads come from its own typed builder over
   * validated data (the ledger's postings), where parsing each envelope again costs more than the
   * write it accompanies.
   */
  build<TPayload>(
    event: NewEvent<TPayload>,
    manager?: EntityManager,
    trusted = false,
  ): EventEnvelope<TPayload> {
    let payload = event.payload;
    if (!trusted) {
      const parsed = event.definition.schema.safeParse(event.payload);
      if (!parsed.success) {
        throw new EventValidationError(event.definition.type, parsed.error.message);
      }
      payload = parsed.data as TPayload;
    }
    const context = currentContext();
    const causationId =
      event.causationId !== undefined ? event.causationId : (context?.causationId ?? null);
    const envelope: EventEnvelope<TPayload> = {
      eventId: event.eventId ?? this.derivedId(event, causationId, manager),
      type: event.definition.type,
      version: event.definition.version,
      occurredAt: (event.occurredAt ?? new Date()).toISOString(),
      correlationId: event.correlationId ?? context?.correlationId ?? newCorrelationId(),
      causationId,
      key: event.key,
      producer: this.producer,
      payload,
    };
    if (trusted) return envelope;
    const checked = envelopeSchema.safeParse(envelope);
    if (!checked.success)
      throw new EventValidationError(event.definition.type, checked.error.message);
    return envelope;
  }

  async append<TPayload>(
    manager: EntityManager,
    event: NewEvent<TPayload>,
  ): Promise<EventEnvelope<TPayload>> {
    const envelope = this.build(event, manager);
    await manager.query(
      `INSERT INTO outbox (event_id, event_type, topic, message_key, envelope, headers)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        envelope.eventId,
        envelope.type,
        event.definition.topic,
        envelope.key,
        JSON.stringify(envelope),
        appendHeaders(),
      ],
    );
    markAppended(manager);
    return envelope;
  }

  /**
   * The id `build` gives the first event of `type` for `key` from `cause` (the next ones of the
   * same cause, type and key in one transaction get ordinals 1, 2, …): for a producer that must
   * know an event's id before appending it.
   */
  causedEventId(cause: EventCause, type: string, key: string, ordinal = 0): string {
    return derivedEventId(`${this.producer}/cause:${cause.source}`, cause.id, type, key, ordinal);
  }

  /** Appends many events with one statement (batch postings). */
  async appendMany(
    manager: EntityManager,
    events: readonly NewEvent<unknown>[],
  ): Promise<EventEnvelope<unknown>[]> {
    if (events.length === 0) return [];
    const insert = this.prepareMany(manager, events);
    await manager.query(insert.sql(1), insert.params);
    return insert.envelopes;
  }

  /**
   * The outbox rows of `events` as one INSERT over five array parameters and the trace headers, numbered from `first`,
   * for a caller that folds the append into a statement of its own (a data-modifying CTE), so
   * the events cost no round trip of their own. The transaction is marked as having appended.
   */
  prepareMany(
    manager: EntityManager,
    events: readonly NewEvent<unknown>[],
    trusted = false,
  ): PreparedOutboxInsert {
    const envelopes = events.map((event) => this.build(event, manager, trusted));
    markAppended(manager);
    return {
      envelopes,
      sql: (first) =>
        `INSERT INTO outbox (event_id, event_type, topic, message_key, envelope, headers)
         SELECT *, $${first + 5}::jsonb FROM unnest($${first}::uuid[], $${first + 1}::text[], $${first + 2}::text[], $${first + 3}::text[], $${first + 4}::jsonb[])`,
      params: [
        envelopes.map((e) => e.eventId),
        envelopes.map((e) => e.type),
        events.map((e) => e.definition.topic),
        envelopes.map((e) => e.key),
        envelopes.map((e) => JSON.stringify(e)),
        appendHeaders(),
      ],
    };
  }

  /**
   * Derived from the stated cause (a scheduler's or worker's work), else from the causing event
   * inside a handler's transaction; random only for an event with neither.
   */
  private derivedId(
    event: NewEvent<unknown>,
    causationId: string | null,
    manager: EntityManager | undefined,
  ): string {
    const data = manager?.queryRunner?.data;
    const ordinalOf = (slot: string) => {
      if (!data) return 0;
      const counts = (data[DerivedCounts] ??= new Map<string, number>()) as Map<string, number>;
      const ordinal = counts.get(slot) ?? 0;
      counts.set(slot, ordinal + 1);
      return ordinal;
    };
    if (event.cause) {
      const { source, id } = event.cause;
      const type = event.definition.type;
      const ordinal = ordinalOf(`cause:${source}\u0000${id}\u0000${type}\u0000${event.key}`);
      return this.causedEventId(event.cause, type, event.key, ordinal);
    }
    if (!causationId || !data) return randomUUID();
    // Two handlers of one service may handle the same event: each derives its own ids.
    const handler =
      typeof data[HandlerInTransaction] === 'string' ? data[HandlerInTransaction] : '';
    const source = `${this.producer}/${handler}`;
    const ordinal = ordinalOf(`${causationId}\u0000${event.definition.type}\u0000${event.key}`);
    return derivedEventId(source, causationId, event.definition.type, event.key, ordinal);
  }
}
