import type { Message, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventEnvelope } from '@credit/contracts';
import {
  type Metrics,
  PeriodicTask,
  type PeriodicTaskStats,
  type PgNotifier,
  type Span,
  SpanKind,
  contextFromHeaders,
  failSpan,
  startSpan,
  traceHeadersOfSpan,
} from '@credit/platform';
import { tracedRecordOf } from './records';
import { OutboxNotifyChannel } from './worker-signals.migration';

export interface OutboxRelayOptions {
  /** Rows claimed and published per transaction. */
  readonly batchSizeMax: number;
  /** Safety poll: the longest sleep when no commit woke the relay (NOTIFY and nudges wake it). */
  readonly pollIntervalMs: number;
}

/** Test seams for fault-injection tests; production passes none. */
export interface OutboxRelayFaults {
  /** Called after Kafka acknowledged the batch and before the rows are marked published. */
  afterPublishBeforeMark?: () => Promise<void> | void;
}

interface PublishOutcome {
  readonly published: number;
  readonly error?: Error;
}

interface PendingRow {
  seq: string;
  topic: string;
  envelope: EventEnvelope;
  /** Headers captured at append time (the producer's trace context), or null. */
  headers: Record<string, string> | null;
  created_at: Date;
}

/**
 * One `send <topic>` producer span per row, child of the work that appended it, from the append
 * (the row's created_at) to the broker's acknowledgement.
 */
function sendSpan(row: PendingRow): Span | undefined {
  return startSpan(`send ${row.topic}`, {
    kind: SpanKind.PRODUCER,
    parent: contextFromHeaders(row.headers ?? undefined),
    startTimeMs: new Date(row.created_at).getTime(),
    attributes: {
      'messaging.system': 'kafka',
      'messaging.operation.name': 'send',
      'messaging.destination.name': row.topic,
      'messaging.message.id': row.envelope.eventId,
      'messaging.kafka.message.key': row.envelope.key,
      'credit.event.type': row.envelope.type,
    },
  });
}

/**
 * Key of the transaction-level advisory lock that lets one relay of a service publish at a time:
 * with several instances, two relays publishing different batches at once could put one
 * aggregate's events on its partition out of order.
 */
export const OutboxRelayLockKey = '7306520519210361291';

/**
 * Publishes committed outbox rows. A pass is one transaction: it takes the relay's advisory lock
 * (pg_try_advisory_xact_lock; another instance holding it means that instance publishes, this one
 * skips), claims rows in seq order FOR UPDATE SKIP LOCKED, publishes them with acks from all
 * in-sync replicas by the idempotent producer, and marks them in the same transaction. A crash
 * between publish and mark republishes the batch: consumers drop the copies by event id.
 *
 * It wakes on the commit that appended events: at once in this process (nudge), and in every
 * instance through the outbox's NOTIFY trigger (wakeOn); pollIntervalMs is only the safety poll.
 */
export class OutboxRelay {
  private readonly task: PeriodicTask;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: Producer,
    private readonly isProducerReady: () => boolean,
    private readonly logger: Logger,
    private readonly options: OutboxRelayOptions,
    private readonly metrics?: Metrics,
    private readonly faults: OutboxRelayFaults = {},
  ) {
    this.task = new PeriodicTask(
      {
        name: 'outbox-relay',
        intervalMs: options.pollIntervalMs,
        leaderLock: { scope: 'transaction', key: OutboxRelayLockKey },
      },
      async ({ manager }) => {
        if (!this.isProducerReady() || !manager) return {};
        const { published, error } = await this.publishIn(manager);
        return error ? { error } : { more: published >= this.options.batchSizeMax };
      },
      logger,
      dataSource,
    );
  }

  /** Passes this relay ran and skipped (another instance held the lock). */
  get stats(): PeriodicTaskStats {
    return this.task.stats;
  }

  start(): void {
    this.task.start();
  }

  /** Wake on every commit that appends to the outbox, in any instance. */
  wakeOn(notifier: PgNotifier): void {
    notifier.listen(OutboxNotifyChannel, () => this.task.wake());
  }

  /** Publish soon: called after a transaction that appended events commits. */
  nudge(): void {
    this.task.wake();
  }

  async stop(): Promise<void> {
    await this.task.stop();
  }

  /**
   * One pass now (after any pass in progress): publishes up to batchSizeMax rows. Returns the
   * count; 0 when another instance's relay holds the lock.
   */
  async publishPending(): Promise<number> {
    const outcome = await this.dataSource.transaction(async (manager): Promise<PublishOutcome> => {
      const [lock] = await manager.query<{ locked: boolean }[]>(
        `SELECT pg_try_advisory_xact_lock($1::bigint) AS locked`,
        [OutboxRelayLockKey],
      );
      return lock?.locked ? this.publishIn(manager) : { published: 0 };
    });
    if (outcome.error !== undefined) throw outcome.error;
    return outcome.published;
  }

  /** Claims up to batchSizeMax rows in the caller's transaction, publishes them, marks them. */
  private async publishIn(manager: EntityManager): Promise<PublishOutcome> {
    const rows = await manager.query<PendingRow[]>(
      `SELECT seq, topic, envelope, headers, created_at FROM outbox
        WHERE published_at IS NULL
        ORDER BY seq
        LIMIT $1
        FOR UPDATE SKIP LOCKED`,
      [this.options.batchSizeMax],
    );
    if (rows.length === 0) return { published: 0 };
    // A pass that publishes is a span of its own (an empty poll leaves none).
    const batchSpan = startSpan('outbox relay batch', {
      attributes: {
        'db.system.name': 'postgresql',
        'messaging.batch.message_count': rows.length,
      },
    });
    try {
      return await this.publishRows(manager, rows, batchSpan);
    } finally {
      batchSpan?.end();
    }
  }

  private async publishRows(
    manager: EntityManager,
    rows: readonly PendingRow[],
    batchSpan: Span | undefined,
  ): Promise<PublishOutcome> {
    const byTopic = new Map<string, Message[]>();
    const sendSpans: Span[] = [];
    for (const row of rows) {
      const messages = byTopic.get(row.topic) ?? [];
      const span = sendSpan(row);
      if (span) sendSpans.push(span);
      const headers = span ? traceHeadersOfSpan(span) : undefined;
      messages.push(tracedRecordOf(row.envelope, headers));
      byTopic.set(row.topic, messages);
    }
    const seqs = rows.map((row) => row.seq);
    try {
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
      for (const span of sendSpans) span.end();
    } catch (error) {
      for (const span of sendSpans) {
        failSpan(span, error);
        span.end();
      }
      failSpan(batchSpan, error);
      // Record the failure on the rows (committed with this transaction) and leave them pending;
      // the pass reports the error after the commit and the task backs off.
      const reason = error instanceof Error ? error.message : String(error);
      await manager.query(
        `UPDATE outbox SET publish_attempts = publish_attempts + 1, last_error = $2
          WHERE seq = ANY($1::bigint[])`,
        [seqs, reason.slice(0, 2000)],
      );
      return { published: 0, error: error instanceof Error ? error : new Error(reason) };
    }
    await this.faults.afterPublishBeforeMark?.();
    await manager.query(
      `UPDATE outbox SET published_at = now(), publish_attempts = publish_attempts + 1, last_error = NULL
        WHERE seq = ANY($1::bigint[])`,
      [seqs],
    );
    for (const [topic, messages] of byTopic)
      this.metrics?.eventsPublished.inc({ topic }, messages.length);
    return { published: rows.length };
  }

  async backlog(): Promise<number> {
    const rows = await this.dataSource.query<{ pending: number }[]>(
      `SELECT count(*)::int AS pending FROM outbox WHERE published_at IS NULL`,
    );
    return rows[0]?.pending ?? 0;
  }
}
