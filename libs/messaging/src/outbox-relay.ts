import type { Message, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { EventEnvelope } from '@credit/contracts';
import {
  type Metrics,
  type Span,
  SpanKind,
  contextFromHeaders,
  failSpan,
  inTransactionSpan,
  startSpan,
  traceHeadersOfSpan,
} from '@credit/platform';
import { tracedRecordOf } from './records';

export interface OutboxRelayOptions {
  /** Rows claimed and published per transaction. */
  readonly batchSizeMax: number;
  /** Sleep between polls when the outbox is empty. */
  readonly pollIntervalMs: number;
}

/** Test seams for fault-injection tests; production passes none. */
export interface OutboxRelayFaults {
  /** Called after Kafka acknowledged the batch and before the rows are marked published. */
  afterPublishBeforeMark?: () => Promise<void> | void;
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
 * (the row's transaction time) to the broker's acknowledgement: it shows the outbox wait. The
 * record carries its context. Undefined while tracing is off.
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
 * Publishes committed outbox rows. Rows are claimed with FOR UPDATE SKIP LOCKED (so several relays
 * never publish the same row concurrently), published with acks from all in-sync replicas by the
 * idempotent producer, and marked in the same transaction that claimed them. A crash between
 * publish and mark republishes the batch: consumers drop the copies by event id.
 */
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** A nudge that came while the relay was publishing: the next sleep is skipped. */
  private wakePending = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly producer: Producer,
    private readonly isProducerReady: () => boolean,
    private readonly logger: Logger,
    private readonly options: OutboxRelayOptions,
    private readonly metrics?: Metrics,
    private readonly faults: OutboxRelayFaults = {},
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Publish soon: called after a transaction that appended events commits. */
  nudge(): void {
    if (this.wake) this.wake();
    else this.wakePending = true;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** One pass: claims up to batchSizeMax rows, publishes them, marks them. Returns the count. */
  async publishPending(): Promise<number> {
    // The batch's span stands for its transaction; a poll that found nothing leaves no span.
    const outcome = await inTransactionSpan(
      'outbox relay batch',
      { attributes: { 'db.system.name': 'postgresql' } },
      (batchSpan) => this.publishInTransaction(batchSpan),
      (result) => result.published > 0 || result.error !== undefined,
    );
    if (outcome.error !== undefined) {
      throw outcome.error instanceof Error ? outcome.error : new Error('publish failed');
    }
    return outcome.published;
  }

  private publishInTransaction(
    batchSpan: Span | undefined,
  ): Promise<{ published: number; error?: unknown }> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await manager.query<PendingRow[]>(
        `SELECT seq, topic, envelope, headers, created_at FROM outbox
          WHERE published_at IS NULL
          ORDER BY seq
          LIMIT $1
          FOR UPDATE SKIP LOCKED`,
        [this.options.batchSizeMax],
      );
      if (rows.length === 0) return { published: 0 };
      batchSpan?.setAttribute('messaging.batch.message_count', rows.length);

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
        // Record the failure on the rows (committed with this transaction) and leave them pending.
        const reason = error instanceof Error ? error.message : String(error);
        await manager.query(
          `UPDATE outbox SET publish_attempts = publish_attempts + 1, last_error = $2
            WHERE seq = ANY($1::bigint[])`,
          [seqs, reason.slice(0, 2000)],
        );
        return { published: 0, error };
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
    });
  }

  async backlog(): Promise<number> {
    const rows = await this.dataSource.query<{ pending: number }[]>(
      `SELECT count(*)::int AS pending FROM outbox WHERE published_at IS NULL`,
    );
    return rows[0]?.pending ?? 0;
  }

  private async run(): Promise<void> {
    let failureDelayMs = this.options.pollIntervalMs;
    while (this.running) {
      let published = 0;
      if (this.isProducerReady()) {
        try {
          published = await this.publishPending();
          failureDelayMs = this.options.pollIntervalMs;
        } catch (error) {
          this.logger.warn(
            { err: error, retryInMs: failureDelayMs },
            'outbox relay could not publish; the rows stay pending',
          );
          await this.sleep(failureDelayMs);
          failureDelayMs = Math.min(failureDelayMs * 2, 10_000);
          continue;
        }
      }
      if (published < this.options.batchSizeMax) await this.sleep(this.options.pollIntervalMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.wakePending) {
      this.wakePending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
