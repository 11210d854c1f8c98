import { z } from 'zod';

/**
 * The one event envelope every service publishes and consumes.
 * `version` is the version of the payload schema for `type`; consumers reject versions they do
 * not know. `key` is the aggregate id (loan, account, customer): Kafka partitions by it, so the
 * order of one aggregate's events holds.
 */
export const envelopeSchema = z.object({
  eventId: z.uuid(),
  type: z.string().regex(/^[a-z]+(\.[a-z-]+)+$/, 'type must look like "aggregate.event"'),
  version: z.number().int().positive(),
  occurredAt: z.iso.datetime({ offset: true }),
  correlationId: z.string().min(1).max(128),
  causationId: z.string().min(1).max(128).nullable(),
  key: z.string().min(1).max(256),
  producer: z.string().min(1).max(64),
  payload: z.unknown(),
});

export type EventEnvelope<TPayload = unknown> = Omit<z.infer<typeof envelopeSchema>, 'payload'> & {
  payload: TPayload;
};

/** Header names carried on every Kafka record beside the JSON envelope. */
export const EventHeaders = {
  eventId: 'event-id',
  type: 'event-type',
  version: 'event-version',
  correlationId: 'correlation-id',
  /** Set on dead letters: why the message failed, and where it came from. */
  dlqError: 'dlq-error',
  dlqErrorKind: 'dlq-error-kind',
  dlqOriginalTopic: 'dlq-original-topic',
  dlqOriginalPartition: 'dlq-original-partition',
  dlqOriginalOffset: 'dlq-original-offset',
  dlqAttempts: 'dlq-attempts',
  dlqFailedAt: 'dlq-failed-at',
  dlqConsumerGroup: 'dlq-consumer-group',
} as const;
