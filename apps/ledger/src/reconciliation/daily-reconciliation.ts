import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { LOGGER, PLATFORM_CONFIG, PeriodicTask } from '@credit/platform';
import type { LedgerConfig } from '../config/env';
import { ReconciliationService } from './reconciliation.service';

/** Session-level advisory lock: with several ledger instances one checks (and runs) at a time. */
export const DailyReconciliationLockKey = '2862418713302956043';

/**
 * Reconciles every business day: the first check of a UTC day runs it and stores the report; a
 * day whose last run found breaks is run again at every check (events still in flight settle,
 * real breaks stay and are logged as errors), so the latest run of a day is its verdict.
 * A PeriodicTask with a leader lock: several instances never run the same day's check at once,
 * and the one that runs after another finds the clean run and does nothing.
 */
@Injectable()
export class DailyReconciliation implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly task: PeriodicTask;

  constructor(
    dataSource: DataSource,
    private readonly reconciliation: ReconciliationService,
    @Inject(PLATFORM_CONFIG) private readonly config: LedgerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.task = new PeriodicTask(
      {
        name: 'daily-reconciliation',
        intervalMs: config.RECONCILIATION_CHECK_INTERVAL_MS,
        runAtStart: false,
        leaderLock: { scope: 'session', key: DailyReconciliationLockKey },
      },
      () => this.check(),
      logger,
      dataSource,
    );
  }

  onApplicationBootstrap(): void {
    if (this.config.RECONCILIATION_SCHEDULE_ENABLED) this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
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
