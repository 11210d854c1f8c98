import { Inject, Injectable } from '@nestjs/common';
import type { KafkaMessage } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { EventHeaders, dlqTopicOf } from '@credit/contracts';
import { LOGGER, SERVICE_NAME } from '@credit/platform';
import type { RedeliveryOutcome } from '../event-consumer';
import { KafkaRuntime } from '../kafka-runtime';
import { headerText } from '../records';
import { type AdminAction, AdminAudit } from './admin-audit';
import type { z } from 'zod';
import type { DeadLetterSelector, deadLetterQuery } from './admin-api';
import { invalidField } from './admin-input';
import { planRanges, readRanges } from './topic-reader';

export type DeadLetterStatus = 'open' | 'redriven' | 'discarded';

export interface DeadLetter {
  /** `<dlq topic>:<partition>:<offset>`: where the dead letter sits. */
  id: string;
  status: DeadLetterStatus;
  topic: string;
  partition: number;
  offset: string;
  consumerGroup: string;
  eventId: string | null;
  type: string | null;
  key: string | null;
  error: string;
  errorKind: string | null;
  attempts: number | null;
  failedAt: string | null;
  resolution: { reason: string | null; actionId: string; resolvedAt: string } | null;
  /** The original record's value: the parsed envelope, or the raw text when it is not JSON. */
  message: unknown;
}

export interface DeadLetterFilter {
  readonly ids?: readonly string[];
  readonly topic?: string;
  readonly type?: string;
  readonly status?: DeadLetterStatus;
}

interface Letter {
  view: DeadLetter;
  dlqTopic: string;
  dlqPartition: number;
  dlqOffset: string;
  record: KafkaMessage;
}

/**
 * The dead letters of this service's consumers, read from the `.dlq` topics (the record of truth:
 * a dead letter is written there even when the database is the reason it failed), joined with how
 * each was resolved. Re-drive applies the original record through the same handler and inbox, so
 * it applies exactly once however often it is re-driven; discard records a reason. Both are audited.
 */
@Injectable()
export class DeadLetterService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly runtime: KafkaRuntime,
    private readonly audit: AdminAudit,
    @Inject(SERVICE_NAME) private readonly service: string,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The filter of a listing; 400 naming the topic when it is not an input topic. */
  listFilterOf(query: z.output<typeof deadLetterQuery>): DeadLetterFilter {
    const status = query.status ?? 'open';
    return {
      ...this.topicAndType(query),
      status: status === 'all' ? undefined : status,
    };
  }

  /** The open dead letters a re-drive or discard selects: `ids`, or a filter, or all. */
  selectorFilterOf(body: DeadLetterSelector): DeadLetterFilter {
    return { ...(body.ids ? { ids: body.ids } : {}), ...this.topicAndType(body), status: 'open' };
  }

  async list(filter: DeadLetterFilter): Promise<DeadLetter[]> {
    return (await this.read(filter)).map((letter) => letter.view);
  }

  async redrive(request: {
    filter: DeadLetterFilter;
    actor: string;
    idempotencyKey: string;
  }): Promise<AdminAction> {
    return this.resolve('dlq.redrive', request, async (letters, actionId) => {
      const counts: Partial<Record<RedeliveryOutcome, number>> = {};
      const failures: { id: string; error: string }[] = [];
      for (const letter of letters) {
        const consumer = this.runtime
          .eventConsumerList()
          .find((c) => c.groupId === letter.view.consumerGroup);
        const result = consumer
          ? await consumer.redeliver(letter.view.topic, letter.view.partition, letter.record, {
              dryRun: false,
            })
          : { outcome: 'failed' as const, error: `no consumer group ${letter.view.consumerGroup}` };
        counts[result.outcome] = (counts[result.outcome] ?? 0) + 1;
        if (result.outcome === 'applied' || result.outcome === 'already-applied') {
          await this.record(letter, 'redriven', null, actionId);
        } else {
          failures.push({ id: letter.view.id, error: result.error ?? result.outcome });
        }
      }
      return {
        status: failures.length > 0 ? 'failed' : 'succeeded',
        result: { selected: letters.length, counts, failures },
      };
    });
  }

  async discard(request: {
    filter: DeadLetterFilter;
    reason: string;
    actor: string;
    idempotencyKey: string;
  }): Promise<AdminAction> {
    return this.resolve('dlq.discard', request, async (letters, actionId) => {
      for (const letter of letters)
        await this.record(letter, 'discarded', request.reason, actionId);
      return {
        status: 'succeeded',
        result: { selected: letters.length, discarded: letters.length },
      };
    });
  }

  private async resolve(
    action: string,
    request: { filter: DeadLetterFilter; reason?: string; actor: string; idempotencyKey: string },
    work: (
      letters: Letter[],
      actionId: string,
    ) => Promise<{ status: 'succeeded' | 'failed'; result: Record<string, unknown> }>,
  ): Promise<AdminAction> {
    const started = await this.audit.begin({
      idempotencyKey: request.idempotencyKey,
      actor: request.actor,
      action,
      selection: {
        service: this.service,
        ...request.filter,
        ...(request.reason ? { reason: request.reason } : {}),
      },
      dryRun: false,
    });
    if (started.replayed) return started.action;
    const id = started.action.id;
    try {
      const letters = await this.read(request.filter);
      const outcome = await work(letters, id);
      await this.audit.finish(id, outcome.status, {
        ...outcome.result,
        ids: letters.map((l) => l.view.id),
      });
      this.logger.info({ actionId: id, action, ...outcome.result }, `${action} ${outcome.status}`);
    } catch (error) {
      await this.audit.finish(id, 'failed', {}, (error as Error).message);
    }
    return (await this.audit.get(id)) as AdminAction;
  }

  private async record(
    letter: Letter,
    resolution: 'redriven' | 'discarded',
    reason: string | null,
    actionId: string,
  ): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO dead_letter_resolutions (dlq_topic, partition, "offset", resolution, reason, action_id)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [letter.dlqTopic, letter.dlqPartition, letter.dlqOffset, resolution, reason, actionId],
    );
  }

  private topicAndType(body: { topic?: string; type?: string }): {
    topic?: string;
    type?: string;
  } {
    const { topic, type } = body;
    const inputs = this.runtime.inputTopics();
    if (topic !== undefined && !inputs.includes(topic)) {
      throw invalidField('topic', `"${topic}" is not an input topic of ${this.service}`);
    }
    return { ...(topic ? { topic } : {}), ...(type ? { type } : {}) };
  }

  /** Reads this service's dead letters from the DLQ topics and joins their resolutions. */
  private async read(filter: DeadLetterFilter): Promise<Letter[]> {
    const groups = new Set(this.runtime.eventConsumerList().map((c) => c.groupId));
    const inputs = this.runtime.inputTopics();
    const topics = (filter.topic ? [filter.topic] : inputs).map(dlqTopicOf);
    const admin = await this.runtime.connectedAdmin();
    const ranges = await planRanges(admin, { topics });
    const letters: Letter[] = [];
    await readRanges(
      this.runtime.kafka,
      `${this.service}.dlq-read.${randomUUID()}`,
      ranges,
      (dlqTopic, dlqPartition, record) => {
        const group = headerText(record.headers, EventHeaders.dlqConsumerGroup) ?? '';
        if (!groups.has(group)) return;
        letters.push({
          view: viewOf(dlqTopic, dlqPartition, record, group),
          dlqTopic,
          dlqPartition,
          dlqOffset: record.offset,
          record: {
            ...record,
            offset: headerText(record.headers, EventHeaders.dlqOriginalOffset) ?? record.offset,
          },
        });
      },
      { stopped: () => false },
    );
    const resolutions = await this.dataSource.query<
      {
        dlq_topic: string;
        partition: number;
        offset: string;
        resolution: 'redriven' | 'discarded';
        reason: string | null;
        action_id: string;
        resolved_at: Date;
      }[]
    >(
      `SELECT dlq_topic, partition, "offset"::text, resolution, reason, action_id, resolved_at
         FROM dead_letter_resolutions WHERE dlq_topic = ANY($1)`,
      [topics],
    );
    const byId = new Map(resolutions.map((r) => [`${r.dlq_topic}:${r.partition}:${r.offset}`, r]));
    for (const letter of letters) {
      const resolved = byId.get(letter.view.id);
      if (resolved) {
        letter.view.status = resolved.resolution;
        letter.view.resolution = {
          reason: resolved.reason,
          actionId: resolved.action_id,
          resolvedAt: resolved.resolved_at.toISOString(),
        };
      }
    }
    const ids = filter.ids ? new Set(filter.ids) : undefined;
    const missing = filter.ids?.find((id) => !letters.some((l) => l.view.id === id));
    if (missing !== undefined) throw invalidField('ids', `no dead letter ${missing}`);
    return letters.filter(
      (l) =>
        (!ids || ids.has(l.view.id)) &&
        (filter.type === undefined || l.view.type === filter.type) &&
        (filter.status === undefined || l.view.status === filter.status),
    );
  }
}

function viewOf(
  dlqTopic: string,
  dlqPartition: number,
  record: KafkaMessage,
  group: string,
): DeadLetter {
  const header = (name: string) => headerText(record.headers, name) ?? null;
  const text = record.value?.toString('utf8') ?? '';
  let message: unknown = text;
  try {
    message = JSON.parse(text);
  } catch {
    // Malformed records are dead letters too: show them as they arrived.
  }
  const attempts = header(EventHeaders.dlqAttempts);
  return {
    id: `${dlqTopic}:${dlqPartition}:${record.offset}`,
    status: 'open',
    topic: header(EventHeaders.dlqOriginalTopic) ?? dlqTopic.replace(/\.dlq$/, ''),
    partition: Number(header(EventHeaders.dlqOriginalPartition) ?? dlqPartition),
    offset: header(EventHeaders.dlqOriginalOffset) ?? record.offset,
    consumerGroup: group,
    eventId: header(EventHeaders.eventId),
    type: header(EventHeaders.type),
    key: record.key?.toString('utf8') ?? null,
    error: header(EventHeaders.dlqError) ?? '',
    errorKind: header(EventHeaders.dlqErrorKind),
    attempts: attempts === null ? null : Number(attempts),
    failedAt: header(EventHeaders.dlqFailedAt),
    resolution: null,
    message,
  };
}
