import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { type IsoDate, addDays } from '@credit/lending-math';
import { AlwaysLeader, LOGGER, PLATFORM_CONFIG, PeriodicTask } from '@credit/platform';
import { systemActor } from '@credit/kernel';
import type { RepaymentConfig } from '../config/env';
import {
  businessDateWithinHorizon,
  closedDay,
  recordClosedDay,
  todayUtc,
} from '../infrastructure/business-calendar';
import { LoanChangelog } from '../infrastructure/loan-changelog';
import { LoanStore } from '../infrastructure/loan-store';
import { LoansService } from '../loans/loans.service';

/** Loans read per page while closing a business date. */
export const CloseOfBusinessPageMax = 200;
/** Session-level advisory lock of the scheduled close: one instance closes a date at a time. */
export const CloseOfBusinessLockKey = '6120573390571542211';

export interface CloseOfBusinessReport {
  businessDate: IsoDate;
  /** True when the date had been closed before: this run changed nothing it had not already done. */
  alreadyClosed: boolean;
  loansClosed: number;
  events: Record<string, number>;
}

/** The report answered: with who closed the date (the first close's actor when closed before). */
export interface CloseOfBusinessAnswer extends CloseOfBusinessReport {
  closedBy: string;
}

/** The actor of the scheduled close. */
export const CloseOfBusinessSystemActor = systemActor('repayment');

/**
 * The daily close: every active loan is brought through the business date (accrual, fees and
 * installments falling due, penalties, delinquency, charge-off), one loan per transaction with its
 * events in the outbox. A loan already closed through the date is skipped, so a second run of the
 * same date changes nothing.
 *
 * The scheduled close of yesterday is a PeriodicTask with a leader lock: with several instances
 * one closes the date, and one that runs later finds it closed. Between pages the close checks
 * that it still holds the lock (a lost lock stops it; per-loan closes are idempotent besides).
 */
@Injectable()
export class CloseOfBusinessService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly task: PeriodicTask;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: LoanStore,
    private readonly loans: LoansService,
    private readonly changelog: LoanChangelog,
    @Inject(PLATFORM_CONFIG) private readonly config: RepaymentConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.task = new PeriodicTask(
      {
        name: 'close-of-business',
        intervalMs: config.COB_CHECK_INTERVAL_MS,
        leaderLock: { scope: 'session', key: CloseOfBusinessLockKey },
      },
      ({ stillLeader }) => this.closeYesterday(stillLeader),
      logger,
      dataSource,
    );
  }

  /**
   * A close asked for over HTTP by `actor`: at most BusinessDaysAheadMax days past the business
   * date.
   */
  async closeRequested(businessDate: IsoDate, actor: string): Promise<CloseOfBusinessAnswer> {
    await businessDateWithinHorizon(this.dataSource.manager, 'businessDate', businessDate);
    return this.close(businessDate, actor);
  }

  /** Closes the date; `actor` is recorded with the closed date, when this run is the one closing it. */
  async close(
    businessDate: IsoDate,
    actor: string,
    stillLeader: () => Promise<boolean> = AlwaysLeader,
  ): Promise<CloseOfBusinessAnswer> {
    const before = await closedDay<CloseOfBusinessReport>(this.dataSource.manager, businessDate);
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
      if (!(await stillLeader()))
        throw new Error(
          `close of ${businessDate}: the leader lock was lost; another run takes over`,
        );
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
    let closedBy = before?.actor;
    if (!before) {
      closedBy = await this.dataSource.transaction(async (manager) => {
        const closedAt = await recordClosedDay(manager, businessDate, report, actor);
        if (!closedAt) return (await closedDay(manager, businessDate))?.actor;
        await this.changelog.recordBusinessDay(manager, {
          businessDate,
          closedAt: closedAt.toISOString(),
          report: { ...report },
          closedBy: actor,
        });
        return actor;
      });
    }
    this.logger.info(
      { ...report, actor, closedBy },
      `closed business date ${businessDate}: ${loansClosed} loans`,
    );
    return { ...report, closedBy: closedBy ?? 'unknown' };
  }

  onApplicationBootstrap(): void {
    if (this.config.COB_SCHEDULE_ENABLED) this.task.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }

  private async closeYesterday(stillLeader: () => Promise<boolean>): Promise<void> {
    const yesterday = addDays(todayUtc(), -1);
    const closed = await closedDay(this.dataSource.manager, yesterday);
    if (closed === undefined) await this.close(yesterday, CloseOfBusinessSystemActor, stillLeader);
  }
}
