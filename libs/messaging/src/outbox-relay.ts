import type { Message, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventEnvelope } from '@credit/contracts';
import {
  type Metrics,
  PeriodicTask,
  type PeriodicTaskStats,
  type PgNotifier,
} from '@credit/platform';
import { recordOf } from './records';
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
        jitterMs: Math.ceil(options.pollIntervalMs / 10),
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
