import { Controller } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Endpoint, defineRoute } from '@credit/platform';
import { KafkaRuntime } from './kafka-runtime';

const messagingStatusSchema = z.object({
  kafka: z.object({ ready: z.boolean(), detail: z.string().nullable() }),
  outbox: z.object({
    pending: z.number().int(),
    oldestPendingAt: z.string().nullable(),
    lastError: z.string().nullable(),
  }),
});
export type MessagingStatus = z.infer<typeof messagingStatusSchema>;

export const messagingStatusRoute = defineRoute({
  operationId: 'messagingStatus',
  method: 'GET',
  path: '/v1/ops/messaging',
  summary: 'Outbox backlog and Kafka readiness (operator)',
  tags: ['operations'],
  role: 'operator',
  responses: { 200: { description: 'the backlog and readiness', body: messagingStatusSchema } },
});

/** What an operator looks at when events seem stuck: the outbox backlog (cheap: a partial index) and Kafka readiness. */
@Controller()
export class MessagingStatusController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly runtime: KafkaRuntime,
  ) {}

  @Endpoint(messagingStatusRoute)
  async status(): Promise<MessagingStatus> {
    const [outbox] = await this.dataSource.query<
      { pending: number; oldest: Date | null; last_error: string | null }[]
    >(
      `SELECT count(*)::int AS pending, min(created_at) AS oldest,
              (SELECT last_error FROM outbox WHERE published_at IS NULL AND last_error IS NOT NULL
                ORDER BY seq DESC LIMIT 1) AS last_error
         FROM outbox WHERE published_at IS NULL`,
    );
    const readiness = this.runtime.readiness();
    return {
      kafka: { ready: readiness.up, detail: readiness.detail ?? null },
      outbox: {
        pending: outbox?.pending ?? 0,
        oldestPendingAt: outbox?.oldest ? outbox.oldest.toISOString() : null,
        lastError: outbox?.last_error ?? null,
      },
    };
  }
}
