import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { RequireRole } from '@credit/platform';
import { KafkaRuntime } from './kafka-runtime';

export interface MessagingStatus {
  kafka: { ready: boolean; detail: string | null };
  outbox: { pending: number; oldestPendingAt: string | null; lastError: string | null };
}

/** What an operator looks at when events seem stuck: the outbox backlog (cheap: a partial index) and Kafka readiness. */
@ApiTags('operations')
@Controller('v1/ops')
export class MessagingStatusController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly runtime: KafkaRuntime,
  ) {}

  @Get('messaging')
  @RequireRole('operator')
  @ApiOperation({ summary: 'Outbox backlog and Kafka readiness (operator)' })
  @ApiResponse({ status: 401, description: 'missing or unknown API key' })
  @ApiResponse({ status: 403, description: 'the key lacks the operator role' })
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
