import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { Money } from '@credit/money';
import { DomainError, LOGGER } from '@credit/platform';
import { LedgerSystemActor } from '../domain/journal';
import type { LoanComponent } from '../domain/loan-position';
import {
  type LoanBreakRow,
  type PayoutBreakRow,
  ReconciliationStore,
  type RunRow,
  type RunStatus,
  type RunTrigger,
} from '../infrastructure/reconciliation-store';
import { PostingHandlerName } from '../post-events/posting-handlers';
import { TrialBalanceService } from '../trial-balance/trial-balance.service';

/** Loans checked per statement (progress is written after each); breaks listed per report at most. */
export const ReconciliationChunkLoans = 5_000;
export const ReconciliationBreaksMax = 1000;
/** Runs listed at most. */
export const ReconciliationRunsPageMax = 100;

export interface LoanBreak {
  loanId: string;
  component: LoanComponent;
  currency: string;
  /** What the repayment service's changelog says the books should carry. */
  repayment: string;
  ledger: string;
  /** ledger − repayment. */
  difference: string;
  /** The version of the loan's position compared; null when the ledger knows no position of it. */
  positionVersion: number | null;
  /** When the position was last updated, and when the ledger last posted to the account. */
  positionUpdatedAt: string | null;
  ledgerUpdatedAt: string | null;
}

/** A break between the bank's statement, the disbursement's payouts and the journal. */
export interface PayoutBreak {
  /** Who found it: the disbursement service (statement against its payouts) or the ledger. */
  source: 'disbursement' | 'ledger';
  businessDate: string;
  kind: 'paid-not-booked' | 'booked-not-paid' | 'amount-differs';
  /** The bank reference (payout:<loanId>, settlement:<id>), or the event type of an entry no statement names. */
  reference: string;
  /** What the bank paid, and what the platform (disbursement) or the journal (ledger) booked. */
  bank: { amount: string; currency: string } | null;
  booked: { amount: string; currency: string } | null;
  /** The booking event, for a break the ledger found. */
  eventId: string | null;
}

export interface ReconciliationReport {
  ok: boolean;
  checkedAt: string;
  /** The bank statements the disbursement service reconciled, against the journal. */
  payouts: { statements: number; breakCount: number; breaks: PayoutBreak[] };
  /** `breakCount` counts every differing component; `breaks` lists the first ReconciliationBreaksMax. */
  loans: { checked: number; breakCount: number; breaks: LoanBreak[] };
  events: { posted: number; withoutEntry: string[]; entriesWithoutEvent: string[] };
  trialBalance: {
    currencies: {
      currency: string;
      totalDebits: string;
      totalCredits: string;
      balanced: boolean;
    }[];
    balanced: boolean;
  };
}

export interface ReconciliationRun {
  id: string;
  trigger: RunTrigger;
  businessDate: string;
  status: RunStatus;
  requestedBy: string | null;
  progress: { loansChecked: number; loansTotal: number };
  startedAt: string;
  finishedAt: string | null;
  ok: boolean | null;
  /** Loan breaks, events without an entry and entries without an event, once completed. */
  breaks: number | null;
  error: string | null;
}

/** The sum of the breaks a report counts. */
export function breaksOf(report: ReconciliationReport): number {
  return (
    report.payouts.breakCount +
    report.loans.breakCount +
    report.events.withoutEntry.length +
    report.events.entriesWithoutEvent.length
  );
}

function toRun(row: RunRow): ReconciliationRun {
  return {
    id: row.id,
    trigger: row.trigger,
    businessDate: row.business_date,
    status: row.status,
    requestedBy: row.requested_by,
    progress: { loansChecked: row.loans_checked, loansTotal: row.loans_total },
    startedAt: row.ran_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    ok: row.ok,
    breaks: row.breaks,
    error: row.error,
  };
}

function toPayoutBreak(row: PayoutBreakRow): PayoutBreak {
  const money = (amount: string | null, currency: string | null) =>
    amount === null || currency === null
      ? null
      : { amount: Money.of(amount, currency).toString(), currency };
  return {
    source: row.source,
    businessDate: row.business_date,
    kind: row.kind,
    reference: row.reference,
    bank: money(row.bank, row.bank_currency),
    booked: money(row.booked, row.booked_currency),
    eventId: row.event_id,
  };
}

function toBreak(row: LoanBreakRow): LoanBreak {
  const money = (value: string) => Money.of(value, row.currency).toString();
  return {
    loanId: row.loan_id,
    component: row.component,
    currency: row.currency,
    repayment: money(row.expected),
    ledger: money(row.ledger),
    difference: money(row.difference),
    positionVersion: row.version,
    positionUpdatedAt: row.position_updated_at,
    ledgerUpdatedAt: row.ledger_updated_at,
  };
}

/**
 * The books against the operational figures, from what the ledger holds: every loan's receivables
 * in its position (projected from the repayment service's changelog) equal the ledger's balances
 * of that loan's accounts, and no loan account carries a balance without a position; every
 * consumed money event has exactly one entry and every event-sourced entry its event; the trial
 * balance is zero per currency. Each check is set-based SQL; the loans go in chunks of
 * ReconciliationChunkLoans, so a run reports its progress.
 *
 * A run is a background job: `start` records it and returns at once, the run executes in this
 * process and writes its progress and finally its report; `get` reads it. The projection and the
 * postings arrive on different topics, so a break may be an event still in flight on one side
 * (the break shows both update times); the daily schedule runs a day with breaks again.
 */
@Injectable()
export class ReconciliationService implements OnApplicationShutdown {
  private readonly store: ReconciliationStore;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    dataSource: DataSource,
    private readonly trialBalance: TrialBalanceService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.store = new ReconciliationStore(dataSource);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Starts an operator's run in the background, or returns the run this key already started
   * (`replayed`). The run is dated by today's UTC date.
   */
  async start(
    idempotencyKey: string,
    requestedBy: string,
    now: Date = new Date(),
  ): Promise<{ run: ReconciliationRun; replayed: boolean }> {
    const { row, created } = await this.store.createRun({
      trigger: 'operator',
      businessDate: now.toISOString().slice(0, 10),
      idempotencyKey,
      requestedBy,
    });
    // A failure is recorded on the run and logged by execute: nothing is left to handle here.
    if (created) this.track(this.execute(row.id).catch(() => undefined));
    return { run: toRun(row), replayed: !created };
  }

  /**
   * The daily run of `businessDate`, executed here and awaited, unless that day's latest daily run
   * is clean or still running. Undefined when there was nothing to do.
   */
  async runDaily(
    businessDate: string,
  ): Promise<{ run: ReconciliationRun; report: ReconciliationReport } | undefined> {
    await this.store.failStale();
    const last = await this.store.latestDaily(businessDate);
    if (last && (last.status === 'running' || last.ok === true)) return undefined;
    const { row } = await this.store.createRun({
      trigger: 'daily',
      businessDate,
      idempotencyKey: null,
      requestedBy: LedgerSystemActor,
    });
    const report = await this.execute(row.id);
    const finished = await this.store.get(row.id);
    return { run: toRun(finished ?? row), report };
  }

  async get(id: string): Promise<{ run: ReconciliationRun; report: ReconciliationReport | null }> {
    if (!/^[1-9][0-9]{0,17}$/.test(id)) throw notFound(id);
    await this.store.failStale();
    const row = await this.store.get(id);
    if (!row) throw notFound(id);
    return { run: toRun(row), report: (row.report as ReconciliationReport | null) ?? null };
  }

  async list(): Promise<ReconciliationRun[]> {
    await this.store.failStale();
    return (await this.store.list(ReconciliationRunsPageMax)).map(toRun);
  }

  /** The latest completed run and its report, or undefined when none has completed yet. */
  async latest(): Promise<{ run: ReconciliationRun; report: ReconciliationReport } | undefined> {
    const row = await this.store.latestCompleted();
    return row ? { run: toRun(row), report: row.report as ReconciliationReport } : undefined;
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /** Executes a recorded run to its end: completed with its report, or failed with the reason. */
  private async execute(runId: string): Promise<ReconciliationReport> {
    try {
      const report = await this.reconcile(runId);
      await this.store.complete(runId, report.ok, breaksOf(report), report);
      return report;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error({ err: error, runId }, 'reconciliation run failed');
      await this.store
        .fail(runId, message)
        .catch((failure: unknown) =>
          this.logger.error({ err: failure, runId }, 'could not record the failed run'),
        );
      throw error;
    }
  }

  private async reconcile(runId: string): Promise<ReconciliationReport> {
    const total = await this.store.countPositions();
    await this.store.progress(runId, { total, checked: 0 });
    const breaks: LoanBreak[] = [];
    let breakCount = 0;
    let checked = 0;
    let after = '';
    for (;;) {
      const chunk = await this.store.checkLoans(
        after,
        ReconciliationChunkLoans,
        ReconciliationBreaksMax - breaks.length,
      );
      if (chunk.last === null) break;
      checked += chunk.checked;
      breakCount += chunk.breakCount;
      breaks.push(...chunk.breaks.map(toBreak));
      after = chunk.last;
      await this.store.progress(runId, { checked, total: Math.max(total, checked) });
    }
    const orphans = await this.store.loansWithoutPosition(ReconciliationBreaksMax - breaks.length);
    breakCount += orphans.breakCount;
    breaks.push(...orphans.breaks.map(toBreak));

    await this.store.progress(runId, {});
    const events = await this.store.eventsWithoutEntry(PostingHandlerName, ReconciliationBreaksMax);
    await this.store.progress(runId, {});
    const entriesWithoutEvent = await this.store.entriesWithoutEvent(
      PostingHandlerName,
      ReconciliationBreaksMax,
    );
    await this.store.progress(runId, {});
    const payouts = await this.store.checkPayouts(ReconciliationBreaksMax);
    const currencies = await this.trialBalance.currencyTotals();
    const balanced = currencies.every((c) => c.balanced);
    return {
      ok:
        payouts.breaks.length === 0 &&
        breakCount === 0 &&
        events.withoutEntry.length === 0 &&
        entriesWithoutEvent.length === 0 &&
        balanced,
      checkedAt: new Date().toISOString(),
      payouts: {
        statements: payouts.statements,
        breakCount: payouts.breaks.length,
        breaks: payouts.breaks.map(toPayoutBreak),
      },
      loans: { checked, breakCount, breaks },
      events: { posted: events.posted, withoutEntry: events.withoutEntry, entriesWithoutEvent },
      trialBalance: { currencies, balanced },
    };
  }
}

function notFound(id: string): DomainError {
  return new DomainError(
    'LEDGER.RECONCILIATION_RUN_NOT_FOUND',
    `reconciliation run ${id} does not exist`,
    'not-found',
  );
}
