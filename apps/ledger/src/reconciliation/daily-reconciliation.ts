import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER, PLATFORM_CONFIG } from '@credit/platform';
import type { LedgerConfig } from '../config/env';
import { ReconciliationService } from './reconciliation.service';

/**
 * Reconciles every business day: the first check of a UTC day runs it and stores the report; a
 * day whose last run found breaks is run again at every check (events still in flight settle,
 * real breaks stay and are logged as errors), so the latest run of a day is its verdict.
 */
@Injectable()
export class DailyReconciliation implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly reconciliation: ReconciliationService,
    @Inject(PLATFORM_CONFIG) private readonly config: LedgerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.RECONCILIATION_SCHEDULE_ENABLED) return;
    this.timer = setInterval(() => {
      this.running ??= this.check()
        .catch((error: unknown) =>
          this.logger.warn({ err: error }, 'daily reconciliation could not run; retrying later'),
        )
        .finally(() => (this.running = undefined));
    }, this.config.RECONCILIATION_CHECK_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Runs today's reconciliation unless today already has a clean (or running) daily run. */
  async check(now: Date = new Date()): Promise<void> {
    const today = now.toISOString().slice(0, 10);
    const ran = await this.reconciliation.runDaily(today);
    if (!ran) return;
    const breaks = ran.run.breaks ?? 0;
    if (ran.report.ok)
      this.logger.info({ businessDate: today }, `reconciliation of ${today}: no break`);
    else
      this.logger.error(
        { businessDate: today, breaks },
        `reconciliation of ${today}: ${breaks} breaks`,
      );
  }
}
