import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import {
  DomainError,
  LOGGER,
  PLATFORM_CONFIG,
  PeriodicTask,
  SERVICE_NAME,
  type ServiceConfig,
} from '@credit/platform';
import type { EventConsumer, RedeliveryOutcome } from '../event-consumer';
import { KafkaRuntime } from '../kafka-runtime';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from '../messaging-options';
import { type AdminAction, AdminAudit } from './admin-audit';
import type { ReplayRequest } from './admin-api';
import { invalidField } from './admin-input';
import { type PartitionRange, planRanges, rangeSize, readRanges } from './topic-reader';

export interface ReplaySelection {
  readonly topics: readonly string[];
  /** `earliest` or an ISO date-time: records at or after it. */
  readonly from: string;
  readonly to?: string;
  readonly partition?: number;
  readonly fromOffset?: string;
  readonly toOffset?: string;
  readonly eventTypes?: readonly string[];
  readonly aggregateId?: string;
}

export type ReplayCounts = Record<RedeliveryOutcome, number>;

export interface ReplayProgress {
  readonly done: number;
  readonly total: number;
  readonly eventsPerSecond: number;
  readonly etaSeconds: number | null;
  readonly counts: ReplayCounts;
}

interface Failure {
  topic: string;
  partition: number;
  offset: string;
  eventId?: string;
  type?: string;
  error?: string;
}

const FailuresKept = 20;
const ProgressEveryMs = 1_000;

/**
 * Re-delivers a selection of this service's input topics to its own handlers, through a consumer
 * group of its own (live consumption is never paused or rewound), deduplicated by the inbox: a
 * replay applies only what this service has not applied yet. Runs in the background with progress,
 * cancel and a final report kept on its admin action; throttled to REPLAY_MAX_EVENTS_PER_SECOND.
 */
@Injectable()
export class ReplayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly cancelled = new Set<string>();
  private readonly live = new Map<string, ReplayProgress>();
  private leases: PeriodicTask | undefined;

  constructor(
    private readonly runtime: KafkaRuntime,
    private readonly audit: AdminAudit,
    @Inject(PLATFORM_CONFIG) private readonly config: ServiceConfig,
    @Inject(SERVICE_NAME) private readonly service: string,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
  ) {}

  /**
   * Admin actions of every kind (replays, re-drives, rebuilds): this instance renews the leases of
   * the ones it runs and fails the ones whose owner stopped renewing, at boot and every third of
   * the lease.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.sweepLeases();
    this.leases = new PeriodicTask(
      {
        name: 'admin-action-leases',
        intervalMs: Math.max(1, Math.floor(this.audit.leaseMs / 3)),
        runAtStart: false,
      },
      () => this.sweepLeases(),
      this.logger,
    );
    this.leases.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.leases?.stop();
  }

  private async sweepLeases(): Promise<void> {
    await this.audit.renewLeases();
    const interrupted = await this.audit.failInterrupted();
    if (interrupted > 0) {
      this.logger.warn(
        { interrupted },
        `${interrupted} admin action(s) were interrupted by a stop`,
      );
    }
  }

  /** The topics this service consumes: what a replay may select. */
  inputTopics(): string[] {
    return this.runtime.inputTopics();
  }

  /**
   * The replay a valid request asks for, checked against this service: its input topics and the
   * event types it handles (400 naming the field otherwise).
   */
  selectionOf(body: ReplayRequest): { selection: ReplaySelection; dryRun: boolean } {
    const available = this.inputTopics();
    const eventTypes = body.eventTypes;
    const unhandled = eventTypes?.find((type) => !this.consumers().some((c) => c.handles(type)));
    if (unhandled !== undefined) {
      throw invalidField('eventTypes', `${this.service} has no handler for "${unhandled}"`);
    }
    // Event types narrow the topics read, unless topics are given.
    const topics =
      body.topics ??
      (eventTypes
        ? [
            ...new Set(
              eventTypes.flatMap((type) => this.consumers().flatMap((c) => c.topicsOf(type))),
            ),
          ]
        : available);
    const unknownTopic = topics.find((t) => !available.includes(t));
    if (unknownTopic !== undefined) {
      throw invalidField(
        'topics',
        `"${unknownTopic}" is not an input topic of ${this.service}; it consumes ${available.join(', ')}`,
      );
    }
    const from = body.from === undefined || body.from === 'earliest' ? undefined : body.from;
    const selection: ReplaySelection = {
      topics: [...topics].sort(),
      from: from ? new Date(from).toISOString() : 'earliest',
      ...(body.to ? { to: new Date(body.to).toISOString() } : {}),
      ...(body.partition !== undefined ? { partition: body.partition } : {}),
      ...(body.fromOffset !== undefined ? { fromOffset: BigInt(body.fromOffset).toString() } : {}),
      ...(body.toOffset !== undefined ? { toOffset: BigInt(body.toOffset).toString() } : {}),
      ...(eventTypes ? { eventTypes: [...eventTypes].sort() } : {}),
      ...(body.aggregateId !== undefined ? { aggregateId: body.aggregateId } : {}),
    };
    return { selection, dryRun: body.dryRun ?? false };
  }

  /** Starts a replay in the background (or returns the one this idempotency key started). */
  async start(request: {
    selection: ReplaySelection;
    dryRun: boolean;
    actor: string;
    idempotencyKey: string;
  }): Promise<{ action: AdminAction; replayed: boolean }> {
    const started = await this.audit.begin({
      idempotencyKey: request.idempotencyKey,
      actor: request.actor,
      action: 'replay',
      selection: { service: this.service, ...request.selection },
      dryRun: request.dryRun,
    });
    if (!started.replayed) {
      void this.run(started.action.id, request.selection, request.dryRun);
    }
    return started;
  }

  async get(id: string): Promise<AdminAction> {
    const action = await this.audit.get(id);
    if (!action || action.action !== 'replay') {
      throw new DomainError('ADMIN.REPLAY_NOT_FOUND', `no replay ${id}`, 'not-found');
    }
    const live = this.live.get(id);
    return live && action.status === 'running' ? { ...action, progress: { ...live } } : action;
  }

  async cancel(id: string): Promise<AdminAction> {
    const action = await this.get(id);
    if (action.status !== 'running') {
      throw new DomainError(
        'ADMIN.REPLAY_FINISHED',
        `replay ${id} is ${action.status}; only a running replay can be cancelled`,
        'conflict',
      );
    }
    this.cancelled.add(id);
    return action;
  }

  private consumers(): readonly EventConsumer[] {
    return this.runtime.eventConsumerList();
  }

  private async run(id: string, selection: ReplaySelection, dryRun: boolean): Promise<void> {
    const counts: ReplayCounts = {
      applied: 0,
      'already-applied': 0,
      'would-apply': 0,
      ignored: 0,
      invalid: 0,
      failed: 0,
    };
    const failures: Failure[] = [];
    const startedAt = Date.now();
    let done = 0;
    let total = 0;
    const snapshot = (): ReplayProgress => {
      const seconds = (Date.now() - startedAt) / 1000;
      const rate = seconds > 0 ? done / seconds : 0;
      return {
        done,
        total,
        eventsPerSecond: Math.round(rate),
        etaSeconds: rate > 0 ? Math.ceil((total - done) / rate) : null,
        counts: { ...counts },
      };
    };
    const throttle = new Throttle(this.config.REPLAY_MAX_EVENTS_PER_SECOND);
    let lastProgress = 0;
    try {
      const admin = await this.runtime.connectedAdmin();
      const ranges: PartitionRange[] = await planRanges(admin, {
        topics: selection.topics,
        ...(selection.partition !== undefined ? { partition: selection.partition } : {}),
        ...(selection.fromOffset !== undefined ? { fromOffset: BigInt(selection.fromOffset) } : {}),
        ...(selection.toOffset !== undefined ? { toOffset: BigInt(selection.toOffset) } : {}),
        ...(selection.from !== 'earliest' ? { fromTime: new Date(selection.from) } : {}),
        ...(selection.to !== undefined ? { toTime: new Date(selection.to) } : {}),
      });
      total = rangeSize(ranges);
      this.live.set(id, snapshot());
      const types = selection.eventTypes ? new Set(selection.eventTypes) : undefined;
      const accept = (envelope: { type: string; key: string }) =>
        (!types || types.has(envelope.type)) &&
        (selection.aggregateId === undefined || envelope.key === selection.aggregateId);
      const onRecord = async (topic: string, partition: number, message: KafkaMessage) => {
        await throttle.take();
        for (const consumer of this.consumers().filter((c) => c.topics().includes(topic))) {
          const result = await consumer.redeliver(topic, partition, message, { dryRun, accept });
          counts[result.outcome] += 1;
          if (
            (result.outcome === 'failed' || result.outcome === 'invalid') &&
            failures.length < FailuresKept
          ) {
            failures.push({ topic, partition, offset: message.offset, ...result });
          }
        }
        done += 1;
        if (Date.now() - lastProgress >= ProgressEveryMs) {
          lastProgress = Date.now();
          const progress = snapshot();
          this.live.set(id, progress);
          await this.audit.progress(id, { ...progress });
        }
      };
      // Changelog topics first (to their end), then the rest: each phase its own throwaway group.
      const first = new Set(this.options.replayFirst ?? []);
      const phases = [
        ranges.filter((r) => first.has(r.topic)),
        ranges.filter((r) => !first.has(r.topic)),
      ];
      for (const [phase, phaseRanges] of phases.entries()) {
        if (this.cancelled.has(id)) break;
        await readRanges(
          this.runtime.kafka,
          `${this.service}.replay.${id}.${phase}`,
          phaseRanges,
          onRecord,
          { stopped: () => this.cancelled.has(id) },
        );
      }
      const cancelled = this.cancelled.has(id);
      const status = cancelled ? 'cancelled' : counts.failed > 0 ? 'failed' : 'succeeded';
      const report = { ...snapshot(), durationMs: Date.now() - startedAt, failures };
      this.logger.info({ replayId: id, ...report }, `replay ${id} ${status}`);
      await this.audit.finish(
        id,
        status,
        report,
        status === 'failed' ? `${counts.failed} event(s) failed to apply` : undefined,
      );
    } catch (error) {
      this.logger.error({ err: error, replayId: id }, `replay ${id} failed`);
      await this.audit
        .finish(id, 'failed', { ...snapshot(), failures }, (error as Error).message)
        .catch(() => undefined);
    } finally {
      this.live.delete(id);
      this.cancelled.delete(id);
    }
  }
}

/** At most `perSecond` takes per second (0: unlimited), smoothed over 100 ms windows. */
class Throttle {
  private windowStart = Date.now();
  private taken = 0;

  constructor(private readonly perSecond: number) {}

  async take(): Promise<void> {
    if (this.perSecond <= 0) return;
    const perWindow = Math.max(1, Math.floor(this.perSecond / 10));
    for (;;) {
      const now = Date.now();
      if (now - this.windowStart >= 100) {
        this.windowStart = now;
        this.taken = 0;
      }
      if (this.taken < perWindow) {
        this.taken += 1;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100 - (now - this.windowStart)));
    }
  }
}
