import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { type IsoDate, addDays } from '@credit/lending-math';
import { LOGGER, PLATFORM_CONFIG } from '@credit/platform';
import type { RepaymentConfig } from '../config/env';
import { todayUtc } from '../infrastructure/business-calendar';
import { LoanChangelog } from '../infrastructure/loan-changelog';
import { LoanStore } from '../infrastructure/loan-store';
import { LoansService } from '../loans/loans.service';

/** Loans read per page while closing a business date. */
export const CloseOfBusinessPageMax = 200;

export interface CloseOfBusinessReport {
  businessDate: IsoDate;
  /** True when the date had been closed before: this run changed nothing it had not already done. */
  alreadyClosed: boolean;
  loansClosed: number;
  events: Record<string, number>;
}

/**
 * The daily close: every active loan is brought through the business date (accrual, fees and
 * installments falling due, penalties, delinquency, charge-off), one loan per transaction with its
 * events in the outbox. A loan already closed through the date is skipped, so a second run of the
 * same date changes nothing.
 */
@Injectable()
export class CloseOfBusinessService implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: LoanStore,
    private readonly loans: LoansService,
    private readonly changelog: LoanChangelog,
    @Inject(PLATFORM_CONFIG) private readonly config: RepaymentConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async close(businessDate: IsoDate): Promise<CloseOfBusinessReport> {
    const [before] = await this.dataSource.query<{ report: CloseOfBusinessReport }[]>(
      `SELECT report FROM business_days WHERE business_date = $1`,
      [businessDate],
    );
    const events: Record<string, number> = {};
    let loansClosed = 0;
    let after: string | null = null;
    for (;;) {
      const ids = await this.store.dueForClose(
        this.dataSource.manager,
        businessDate,
        after,
        CloseOfBusinessPageMax,
      );
      if (ids.length === 0) break;
      for (const id of ids) {
        const counts = await this.loans.closeLoan(id, businessDate);
        loansClosed++;
        for (const [type, n] of Object.entries(counts)) events[type] = (events[type] ?? 0) + n;
      }
      after = ids.at(-1) ?? null;
    }
    const report: CloseOfBusinessReport = {
      businessDate,
      alreadyClosed: before !== undefined,
      loansClosed,
      events,
    };
    if (!before) {
      await this.dataSource.transaction(async (manager) => {
        const inserted = await manager.query<{ closed_at: Date }[]>(
          `INSERT INTO business_days (business_date, report) VALUES ($1, $2)
           ON CONFLICT (business_date) DO NOTHING RETURNING closed_at`,
          [businessDate, JSON.stringify(report)],
        );
        const closedAt = inserted[0]?.closed_at;
        if (closedAt) {
          await this.changelog.recordBusinessDay(manager, {
            businessDate,
            closedAt: closedAt.toISOString(),
            report: { ...report },
          });
        }
      });
    }
    this.logger.info(report, `closed business date ${businessDate}: ${loansClosed} loans`);
    return report;
  }

  onApplicationBootstrap(): void {
    if (!this.config.COB_SCHEDULE_ENABLED) return;
    const tick = () => {
      this.running ??= this.closeYesterday()
        .catch((error: unknown) =>
          this.logger.warn({ err: error }, 'scheduled close of business failed; retrying later'),
        )
        .finally(() => (this.running = undefined));
    };
    tick();
    this.timer = setInterval(tick, this.config.COB_CHECK_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private async closeYesterday(): Promise<void> {
    const yesterday = addDays(todayUtc(), -1);
    const [closed] = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM business_days WHERE business_date = $1`,
      [yesterday],
    );
    if (!closed) await this.close(yesterday);
  }
}
