import type { Consumer, EachBatchPayload, IHeaders, KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import {
  type EventCatalog,
  type EventDefinition,
  type EventEnvelope,
  EventHeaders,
  dlqTopicOf,
  envelopeSchema,
} from '@credit/contracts';
import { backoffDelayMs } from '@credit/kernel';
import {
  type Crash,
  type Link,
  type Metrics,
  SpanKind,
  contextFromHeaders,
  crashOnInvariant,
  crashProcess,
  inSpan,
  inTransactionSpan,
  linkFromHeaders,
  runWithContext,
  tracingEnabled,
} from '@credit/platform';
import { HandlerInTransaction } from './outbox-writer';
import { headerText, traceHeadersOfRecord } from './records';

/** Applies one event type. Effects go through `manager`, inside the transaction that records the event id. */
export interface EventHandler<TPayload = unknown> {
  /** Stable name, the inbox key: replays in other consumer groups are still deduplicated by it. */
  readonly name: string;
  readonly definition: EventDefinition;
  handle(event: EventEnvelope<TPayload>, manager: EntityManager): Promise<void>;
  /**
   * Optional set-based path: applies several new events at once, in their order, inside the
   * caller's transaction. It may receive the events of every handler of the consumer that shares
   * this handler's name (its inbox key), not only its own type. Used for a group of consecutive
   * events when each of them goes to a handler of one name that implements it; the inbox rows
   * of the group are then written by one statement and only the new events are passed.
   */
  handleMany?(events: readonly EventEnvelope<TPayload>[], manager: EntityManager): Promise<void>;
}

export interface EventConsumerOptions {
  readonly groupId: string;
  /** Attempts after the first failure before the message goes to the dead-letter topic. */
  readonly maxRetries: number;
  /** Backoff before retry n is retryBackoffMs × 2^(n−1), capped and jittered (backoffDelayMs). */
  readonly retryBackoffMs: number;
  /** The cap of one retry wait (default ConsumerRetryBackoffMaxDefaultMs). */
  readonly retryBackoffMaxMs?: number;
  /**
   * Up to this many consecutive events of a partition are applied in one transaction (one commit)
   * when they all succeed; when one fails, that group is applied again one event per transaction,
   * with retries and the DLQ as usual. 1 applies every event on its own.
   */
  readonly batchSizeMax?: number;
}

/** Test seams for fault-injection tests; production passes none. */
export interface EventConsumerFaults {
  /** Called after the handler's transaction committed and before the offset is resolved. */
  afterCommitBeforeAck?: (event: EventEnvelope) => Promise<void> | void;
}

export type DeadLetterKind = 'malformed' | 'validation' | 'processing';

export type ConsumeOutcome = 'processed' | 'duplicate' | 'ignored' | 'dead-lettered';

/**
 * What re-delivering one record did (or, in a dry run, would do): `applied` (new to this service),
 * `already-applied` (its inbox had the event id), `would-apply` (dry run, new), `ignored` (no
 * handler here, or filtered out by event type), `invalid` (not a valid event), `failed`.
 */
export type RedeliveryOutcome =
  'applied' | 'already-applied' | 'would-apply' | 'ignored' | 'invalid' | 'failed';

export interface Redelivery {
  readonly outcome: RedeliveryOutcome;
  readonly eventId?: string;
  readonly type?: string;
  readonly error?: string;
}

/** The cap of one retry wait when the options give none (CONSUMER_RETRY_BACKOFF_MAX_MS's default). */
export const ConsumerRetryBackoffMaxDefaultMs = 20_000;

/** Attempts a re-delivery gets before it is reported failed (replays never dead-letter). */
export const RedeliveryAttempts = 3;

class Rejection extends Error {
  constructor(
    readonly kind: DeadLetterKind,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Consumes with eachBatch: partitions in parallel (bounded by the runner), messages of one
 * partition in order. Each event is applied in one DB transaction together with its inbox row, so a
 * redelivery is recognised and skipped. Failures are retried a bounded number of times, then sent to
 * the topic's `.dlq` with the error; the offset then moves on, so a poison message never blocks its
 * partition.
 */
export class EventConsumer {
  private readonly handlers = new Map<string, EventHandler>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly catalog: EventCatalog,
    private readonly dlqProducer: Producer,
    private readonly logger: Logger,
    private readonly options: EventConsumerOptions,
    handlers: readonly EventHandler[],
    private readonly metrics?: Metrics,
    private readonly faults: EventConsumerFaults = {},
    /** A broken invariant stops the process instead of dead-lettering (tests observe it). */
    private readonly crash: Crash = crashProcess,
  ) {
    for (const handler of handlers) {
      const key = `${handler.definition.type}@v${handler.definition.version}`;
      if (this.handlers.has(key))
        throw new Error(`two handlers for ${key} in group ${options.groupId}`);
      this.handlers.set(key, handler);
    }
  }

  get groupId(): string {
    return this.options.groupId;
  }

  topics(): string[] {
    return [...new Set([...this.handlers.values()].map((h) => h.definition.topic))];
  }

  async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const heartbeat = () => payload.heartbeat();
    const size = Math.max(1, this.options.batchSizeMax ?? 1);
    for (let start = 0; start < batch.messages.length; start += size) {
      if (!payload.isRunning() || payload.isStale()) break;
      const group = batch.messages.slice(start, start + size);
      const together =
        group.length > 1 ? await this.consumeTogether(batch.topic, batch.partition, group) : null;
      if (together) {
        for (const outcome of together) {
          this.metrics?.eventsConsumed.inc({ topic: batch.topic, outcome });
        }
        payload.resolveOffset((group.at(-1) as KafkaMessage).offset);
        await payload.commitOffsetsIfNecessary();
        await heartbeat();
        continue;
      }
      for (const message of group) {
        if (!payload.isRunning() || payload.isStale()) return;
        const outcome = await this.consume(batch.topic, batch.partition, message, heartbeat);
        this.metrics?.eventsConsumed.inc({ topic: batch.topic, outcome });
        payload.resolveOffset(message.offset);
        await payload.commitOffsetsIfNecessary();
        await heartbeat();
      }
    }
  }

  /**
   * Applies consecutive events of one partition in one transaction, each with its inbox row.
   * Null (nothing committed) when any record is invalid or any handler fails: the caller then
   * applies them one by one, which retries, dead-letters and keeps their order.
   */
  private async consumeTogether(
    topic: string,
    partition: number,
    messages: readonly KafkaMessage[],
  ): Promise<ConsumeOutcome[] | null> {
    const decoded: { message: KafkaMessage; envelope: EventEnvelope; handler?: EventHandler }[] =
      [];
    const skipped: ConsumeOutcome[] = [];
    for (const message of messages) {
      if (this.isForOthers(message)) {
        skipped.push('ignored');
        continue;
      }
      try {
        const envelope = this.decode(message);
        const handler = this.handlers.get(`${envelope.type}@v${envelope.version}`);
        decoded.push({ message, envelope, ...(handler ? { handler } : {}) });
      } catch {
        return null;
      }
    }
    if (decoded.length === 0) return skipped;
    const batchHandler = this.batchHandlerOf(decoded.map((d) => d.handler));
    let outcomes: ConsumeOutcome[];
    try {
      outcomes = await this.groupTransaction(topic, messages, async (manager) => {
        if (batchHandler) {
          return this.applyManyIn(manager, batchHandler, decoded, topic, partition);
        }
        const done: ConsumeOutcome[] = [];
        for (const { message, envelope, handler } of decoded) {
          if (!handler) {
            done.push('ignored');
            continue;
          }
          const context = { correlationId: envelope.correlationId, causationId: envelope.eventId };
          const applied = await runWithContext(context, () =>
            inProcessSpan(topic, message, envelope, () =>
              this.applyIn(manager, handler, envelope, topic, partition, message.offset),
            ),
          );
          done.push(applied ? 'processed' : 'duplicate');
        }
        return done;
      });
    } catch (error) {
      this.crashOnInvariant(error);
      this.logger.debug(
        { topic, partition, events: messages.length, err: error },
        'a group of events failed together; applying them one by one',
      );
      return null;
    }
    for (const [index, { envelope }] of decoded.entries()) {
      if (outcomes[index] === 'processed') await this.faults.afterCommitBeforeAck?.(envelope);
    }
    return [...outcomes, ...skipped];
  }

  /**
   * The handler whose handleMany applies a whole group: every event of the group has a handler,
   * all of one name, each implementing handleMany. Undefined otherwise (one event at a time).
   */
  private batchHandlerOf(
    handlers: readonly (EventHandler | undefined)[],
  ): EventHandler | undefined {
    const [first] = handlers;
    if (!first?.handleMany) return undefined;
    const uniform = handlers.every((h) => h?.name === first.name && h.handleMany !== undefined);
    return uniform ? first : undefined;
  }

  /**
   * The set-based path: one INSERT records the group's event ids in the inbox (ON CONFLICT DO
   * NOTHING RETURNING tells which are new; an event delivered twice in the group counts once),
   * then one handleMany call applies the new events in order.
   */
  private async applyManyIn(
    manager: EntityManager,
    handler: EventHandler,
    decoded: readonly { message: KafkaMessage; envelope: EventEnvelope }[],
    topic: string,
    partition: number,
  ): Promise<ConsumeOutcome[]> {
    if (manager.queryRunner) {
      (manager.queryRunner.data as Record<string, unknown>)[HandlerInTransaction] = handler.name;
    }
    const inserted = await manager.query<{ event_id: string }[]>(
      `INSERT INTO inbox (handler, event_id, event_type, topic, partition, "offset")
       SELECT $1, e.event_id, e.event_type, $2, $3, e."offset"
         FROM unnest($4::uuid[], $5::text[], $6::bigint[]) AS e(event_id, event_type, "offset")
       ON CONFLICT (handler, event_id) DO NOTHING
       RETURNING event_id`,
      [
        handler.name,
        topic,
        partition,
        decoded.map((d) => d.envelope.eventId),
        decoded.map((d) => d.envelope.type),
        decoded.map((d) => d.message.offset),
      ],
    );
    const fresh = new Set(inserted.map((row) => row.event_id));
    const outcomes: ConsumeOutcome[] = [];
    const events: EventEnvelope[] = [];
    for (const { envelope } of decoded) {
      // The first delivery of a new event is applied; a later copy in the group is a duplicate.
      const isNew = fresh.delete(envelope.eventId);
      outcomes.push(isNew ? 'processed' : 'duplicate');
      if (isNew) events.push(envelope);
    }
    if (events.length > 0) await handler.handleMany?.(events, manager);
    return outcomes;
  }

  /** Runs one consumer until it is disconnected. */
  async run(consumer: Consumer, partitionsConsumedConcurrently: number): Promise<void> {
    await consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  private async consume(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
  ): Promise<ConsumeOutcome> {
    if (this.isForOthers(message)) return 'ignored';
    let envelope: EventEnvelope;
    let handler: EventHandler | undefined;
    try {
      envelope = this.decode(message);
      handler = this.handlers.get(`${envelope.type}@v${envelope.version}`);
    } catch (error) {
      const rejection = error as Rejection;
      await this.deadLetter(topic, partition, message, rejection.kind, rejection.message, 0);
      return 'dead-lettered';
    }
    if (!handler) return 'ignored';

    const context = { correlationId: envelope.correlationId, causationId: envelope.eventId };
    return runWithContext(context, async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          const applied = await inProcessSpan(topic, message, envelope, () =>
            this.apply(handler, envelope, topic, partition, message.offset),
          );
          await this.faults.afterCommitBeforeAck?.(envelope);
          return applied ? 'processed' : 'duplicate';
        } catch (error) {
          this.crashOnInvariant(error);
          const reason = error instanceof Error ? error.message : String(error);
          if (attempt > this.options.maxRetries || isPermanentFailure(error)) {
            this.logger.error(
              { err: error, eventId: envelope.eventId, type: envelope.type, attempts: attempt },
              `event ${envelope.eventId} failed ${attempt} times; sending it to ${dlqTopicOf(topic)}`,
            );
            await this.deadLetter(topic, partition, message, 'processing', reason, attempt);
            return 'dead-lettered';
          }
          const delayMs = this.retryDelayMs(attempt);
          this.logger.warn(
            { eventId: envelope.eventId, type: envelope.type, attempt, retryInMs: delayMs },
            `handler ${handler.name} failed: ${reason}; retrying`,
          );
          await new Promise((resolve) => setTimeout(resolve, delayMs));
          await heartbeat();
        }
      }
    });
  }

  /**
   * Re-delivers one record outside live consumption (replay, dead-letter re-drive): the same
   * inbox deduplication, so an event applies at most once however often it is re-delivered.
   * `accept` can narrow by envelope (event type, aggregate). A dry run only reads the inbox.
   */
  async redeliver(
    topic: string,
    partition: number,
    message: KafkaMessage,
    options: { dryRun: boolean; accept?: (envelope: EventEnvelope) => boolean },
  ): Promise<Redelivery> {
    let envelope: EventEnvelope;
    try {
      envelope = this.decode(message);
    } catch (error) {
      return { outcome: 'invalid', error: (error as Error).message };
    }
    const identity = { eventId: envelope.eventId, type: envelope.type };
    const handler = this.handlers.get(`${envelope.type}@v${envelope.version}`);
    if (!handler || (options.accept && !options.accept(envelope))) {
      return { outcome: 'ignored', ...identity };
    }
    if (options.dryRun) {
      const seen = await this.dataSource.query<unknown[]>(
        `SELECT 1 FROM inbox WHERE handler = $1 AND event_id = $2`,
        [handler.name, envelope.eventId],
      );
      return { outcome: seen.length > 0 ? 'already-applied' : 'would-apply', ...identity };
    }
    const context = { correlationId: envelope.correlationId, causationId: envelope.eventId };
    return runWithContext(context, async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          const applied = await this.apply(handler, envelope, topic, partition, message.offset);
          return { outcome: applied ? 'applied' : 'already-applied', ...identity };
        } catch (error) {
          this.crashOnInvariant(error);
          if (attempt >= RedeliveryAttempts || isPermanentFailure(error)) {
            return { outcome: 'failed', ...identity, error: (error as Error).message };
          }
          await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs(attempt)));
        }
      }
    });
  }

  /**
   * A stream carries every event type of its aggregate; a consumer handles some of them. A record
   * whose headers name a type and version this consumer has no handler for is skipped without
   * parsing or validating its value (it is another consumer's, and valid or not is theirs to say).
   */
  private isForOthers(message: KafkaMessage): boolean {
    const type = headerText(message.headers, EventHeaders.type);
    const version = headerText(message.headers, EventHeaders.version);
    if (type === undefined || version === undefined) return false;
    return !this.handlers.has(`${type}@v${version}`);
  }

  /** Whether this consumer has a handler for an event type (any version). */
  handles(type: string): boolean {
    return this.topicsOf(type).length > 0;
  }

  /** The topics this consumer reads events of a type from. */
  topicsOf(type: string): string[] {
    return [...this.handlers.values()]
      .filter((h) => h.definition.type === type)
      .map((h) => h.definition.topic);
  }

  /** The transaction of a group of events, in a span linked to each event's send span. */
  private groupTransaction<T>(
    topic: string,
    messages: readonly KafkaMessage[],
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    return inTransactionSpan('consumer group transaction', groupSpanOptions(topic, messages), () =>
      this.dataSource.transaction(work),
    );
  }

  /** Records the event id and applies the handler in one transaction. False: already applied. */
  private async apply(
    handler: EventHandler,
    envelope: EventEnvelope,
    topic: string,
    partition: number,
    offset: string,
  ): Promise<boolean> {
    return this.dataSource.transaction((manager) =>
      this.applyIn(manager, handler, envelope, topic, partition, offset),
    );
  }

  /** Records the event id and applies the handler inside the caller's transaction. */
  private async applyIn(
    manager: EntityManager,
    handler: EventHandler,
    envelope: EventEnvelope,
    topic: string,
    partition: number,
    offset: string,
  ): Promise<boolean> {
    if (manager.queryRunner) {
      (manager.queryRunner.data as Record<string, unknown>)[HandlerInTransaction] = handler.name;
    }
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO inbox (handler, event_id, event_type, topic, partition, "offset")
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (handler, event_id) DO NOTHING
       RETURNING event_id`,
      [handler.name, envelope.eventId, envelope.type, topic, partition, offset],
    );
    if (inserted.length === 0) return false;
    await handler.handle(envelope, manager);
    return true;
  }

  private retryDelayMs(attempt: number): number {
    const { retryBackoffMs, retryBackoffMaxMs } = this.options;
    return backoffDelayMs(
      { initialMs: retryBackoffMs, maxMs: retryBackoffMaxMs ?? ConsumerRetryBackoffMaxDefaultMs },
      attempt,
    );
  }

  /**
   * A broken invariant is neither retried nor dead-lettered: the process stops, the offset is not
   * committed, and the event is applied again after the fault is fixed. Rethrown in case `crash`
   * returns (under test), so nothing moves on.
   */
  private crashOnInvariant(error: unknown): void {
    if (crashOnInvariant(error, this.logger, this.crash)) throw error;
  }

  private decode(message: KafkaMessage): EventEnvelope {
    if (!message.value) throw new Rejection('malformed', 'the record has no value');
    let json: unknown;
    try {
      json = JSON.parse(message.value.toString('utf8'));
    } catch (error) {
      throw new Rejection('malformed', `the value is not JSON: ${(error as Error).message}`);
    }
    const parsed = envelopeSchema.safeParse(json);
    if (!parsed.success) {
      throw new Rejection('validation', `envelope invalid: ${describeIssues(parsed.error.issues)}`);
    }
    const envelope = parsed.data as EventEnvelope;
    const definition = this.catalog.find(envelope.type, envelope.version);
    if (!definition) {
      throw new Rejection(
        'validation',
        `no schema for event type "${envelope.type}" version ${envelope.version}`,
      );
    }
    const payload = definition.schema.safeParse(envelope.payload);
    if (!payload.success) {
      throw new Rejection(
        'validation',
        `payload of ${envelope.type} v${envelope.version} invalid: ${describeIssues(payload.error.issues)}`,
      );
    }
    return { ...envelope, payload: payload.data };
  }

  private async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    kind: DeadLetterKind,
    reason: string,
    attempts: number,
  ): Promise<void> {
    const headers: IHeaders = {
      ...(message.headers ?? {}),
      [EventHeaders.dlqError]: reason.slice(0, 4000),
      [EventHeaders.dlqErrorKind]: kind,
      [EventHeaders.dlqOriginalTopic]: topic,
      [EventHeaders.dlqOriginalPartition]: String(partition),
      [EventHeaders.dlqOriginalOffset]: message.offset,
      [EventHeaders.dlqAttempts]: String(attempts),
      [EventHeaders.dlqFailedAt]: new Date().toISOString(),
      [EventHeaders.dlqConsumerGroup]: this.options.groupId,
    };
    // If this send fails the batch fails, the offset is not resolved and the message is retried.
    await this.dlqProducer.send({
      topic: dlqTopicOf(topic),
      acks: -1,
      messages: [{ key: message.key, value: message.value, headers }],
    });
    this.logger.warn(
      { topic, partition, offset: message.offset, kind },
      `message dead-lettered to ${dlqTopicOf(topic)}: ${reason}`,
    );
  }
}

/**
 * One `process <type>` consumer span per event applied (per attempt), child of the producer's
 * `send` span whose context the record carries; the handler's transaction and outbox appends are
 * its children.
 */
function inProcessSpan<T>(
  topic: string,
  message: KafkaMessage,
  envelope: EventEnvelope,
  work: () => Promise<T>,
): Promise<T> {
  if (!tracingEnabled()) return work();
  return inSpan(
    `process ${envelope.type}`,
    {
      kind: SpanKind.CONSUMER,
      parent: contextFromHeaders(traceHeadersOfRecord(message.headers)),
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.name': 'process',
        'messaging.destination.name': topic,
        'messaging.message.id': envelope.eventId,
        'messaging.kafka.message.key': envelope.key,
        'messaging.kafka.offset': Number(message.offset),
        'credit.event.type': envelope.type,
      },
    },
    work,
  );
}

/** The group transaction's span: a root linked to the send span of each event in it. */
function groupSpanOptions(topic: string, messages: readonly KafkaMessage[]) {
  if (!tracingEnabled()) return {};
  const links = messages
    .map((message) => linkFromHeaders(traceHeadersOfRecord(message.headers)))
    .filter((link): link is Link => link !== undefined);
  return {
    kind: SpanKind.INTERNAL,
    links,
    attributes: {
      'db.system.name': 'postgresql',
      'messaging.destination.name': topic,
      'messaging.batch.message_count': messages.length,
    },
  };
}

/**
 * An error that says retrying cannot help (`retriable: false`, e.g. an event with no posting rule)
 * goes to the DLQ at once instead of after the retries.
 */
export function isPermanentFailure(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { retriable?: unknown }).retriable === false
  );
}

function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}
