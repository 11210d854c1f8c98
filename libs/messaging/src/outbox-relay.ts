import type { Message, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { EventEnvelope } from '@credit/contracts';
import type { Metrics } from '@credit/platform';
import { recordOf } from './records';

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
    const outcome = await this.dataSource.transaction(async (manager) => {
      const rows = await manager.query<PendingRow[]>(
        `SELECT seq, topic, envelope FROM outbox
          WHERE published_at IS NULL
          ORDER BY seq
          LIMIT $1
          FOR UPDATE SKIP LOCKED`,
        [this.options.batchSizeMax],
      );
      if (rows.length === 0) return { published: 0 };

      const byTopic = new Map<string, Message[]>();
      for (const row of rows) {
        const messages = byTopic.get(row.topic) ?? [];
        messages.push(recordOf(row.envelope));
        byTopic.set(row.topic, messages);
      }
      const seqs = rows.map((row) => row.seq);
      try {
        await this.producer.sendBatch({
          acks: -1,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
        });
      } catch (error) {
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
    if (outcome.error !== undefined) {
      throw outcome.error instanceof Error ? outcome.error : new Error('publish failed');
    }
    return outcome.published;
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
