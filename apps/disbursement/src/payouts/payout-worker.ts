import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, PLATFORM_CONFIG } from '@credit/platform';
import type { DisbursementConfig } from '../config/env';
import { DisbursementsService } from '../disbursements/disbursements.service';

/** Pays queued cash loans in the background; retries with backoff up to PAYOUT_ATTEMPTS_MAX. */
@Injectable()
export class PayoutWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private settlementTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly disbursements: DisbursementsService,
    @Inject(PLATFORM_CONFIG) private readonly config: DisbursementConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.disbursements
        .payDue({
          attemptsMax: this.config.PAYOUT_ATTEMPTS_MAX,
          backoffMs: this.config.PAYOUT_BACKOFF_MS,
          concurrency: this.config.PAYOUT_CONCURRENCY,
        })
        .catch((error: unknown) =>
          this.logger.warn({ err: error }, 'payout pass failed; retrying next interval'),
        )
        .finally(() => (this.running = undefined));
    }, this.config.PAYOUT_POLL_INTERVAL_MS);
    if (this.config.SETTLEMENT_SCHEDULE_ENABLED) {
      const settleYesterday = () => {
        const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
        this.disbursements
          .settleMerchants(yesterday)
          .catch((error: unknown) =>
            this.logger.warn({ err: error }, 'merchant settlement failed; retrying later'),
          );
      };
      this.settlementTimer = setInterval(settleYesterday, 3_600_000);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.settlementTimer);
    await this.running;
  }
}
