import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Money } from '@credit/money';
import { DomainError, PLATFORM_CONFIG } from '@credit/platform';
import type { LedgerConfig } from '../config/env';
import { PostingHandlerName } from '../post-events/posting-handlers';
import { TrialBalanceService } from '../trial-balance/trial-balance.service';

/** Loans read from the repayment service per page; breaks listed per report at most. */
export const ReconciliationPageMax = 500;
export const ReconciliationBreaksMax = 1000;

const Components = {
  principal: 'assets:loans:principal',
  interest: 'assets:receivable:interest',
  fee: 'assets:receivable:fee',
  penalty: 'assets:receivable:penalty',
} as const;
type Component = keyof typeof Components;

export interface LoanBreak {
  loanId: string;
  component: Component;
  currency: string;
  repayment: string;
  ledger: string;
  difference: string;
}

export interface ReconciliationReport {
  ok: boolean;
  checkedAt: string;
  loans: { checked: number; breaks: LoanBreak[] };
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

interface RepaymentPage {
  loans: { loanId: string; currency: string; receivables: Record<Component, string> }[];
  nextCursor: string | null;
}

/**
 * The books against the operational figures: every loan's receivables in the repayment service
 * equal the ledger's balances for that loan; every consumed money event has exactly one entry and
 * every event-sourced entry its event; the trial balance is zero per currency.
 */
@Injectable()
export class ReconciliationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly trialBalance: TrialBalanceService,
    @Inject(PLATFORM_CONFIG) private readonly config: LedgerConfig,
  ) {}

  async reconcile(): Promise<ReconciliationReport> {
    const breaks: LoanBreak[] = [];
    let checked = 0;
    let cursor: string | null = null;
    do {
      const page = await this.repaymentPage(cursor);
      checked += page.loans.length;
      const accounts = page.loans.flatMap((loan) =>
        Object.values(Components).map((root) => `${root}:${loan.loanId}`),
      );
      const balances = await this.dataSource.query<{ account_id: string; balance: string }[]>(
        `SELECT account_id, (posted_debits - posted_credits)::text AS balance FROM balances WHERE account_id = ANY($1)`,
        [accounts],
      );
      const byAccount = new Map(balances.map((b) => [b.account_id, b.balance]));
      for (const loan of page.loans) {
        for (const [component, root] of Object.entries(Components) as [Component, string][]) {
          const expected = Money.of(loan.receivables[component], loan.currency);
          const actual = Money.of(byAccount.get(`${root}:${loan.loanId}`) ?? '0', loan.currency);
          if (!expected.equals(actual) && breaks.length < ReconciliationBreaksMax) {
            breaks.push({
              loanId: loan.loanId,
              component,
              currency: loan.currency,
              repayment: expected.toString(),
              ledger: actual.toString(),
              difference: actual.subtract(expected).toString(),
            });
          }
        }
      }
      cursor = page.nextCursor;
    } while (cursor !== null);

    const [posted] = await this.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM inbox WHERE handler = $1`,
      [PostingHandlerName],
    );
    const withoutEntry = await this.dataSource.query<{ event_id: string }[]>(
      `SELECT i.event_id FROM inbox i LEFT JOIN journal_entries e ON e.source_event_id = i.event_id
        WHERE i.handler = $1 AND e.id IS NULL LIMIT $2`,
      [PostingHandlerName, ReconciliationBreaksMax],
    );
    const entriesWithoutEvent = await this.dataSource.query<{ id: string }[]>(
      `SELECT e.id FROM journal_entries e LEFT JOIN inbox i ON i.event_id = e.source_event_id AND i.handler = $1
        WHERE e.source_event_id IS NOT NULL AND i.event_id IS NULL LIMIT $2`,
      [PostingHandlerName, ReconciliationBreaksMax],
    );
    const trial = await this.trialBalance.trialBalance(undefined);
    const balanced = trial.currencies.every((c) => c.balanced);
    return {
      ok:
        breaks.length === 0 &&
        withoutEntry.length === 0 &&
        entriesWithoutEvent.length === 0 &&
        balanced,
      checkedAt: new Date().toISOString(),
      loans: { checked, breaks },
      events: {
        posted: posted?.n ?? 0,
        withoutEntry: withoutEntry.map((r) => r.event_id),
        entriesWithoutEvent: entriesWithoutEvent.map((r) => r.id),
      },
      trialBalance: { currencies: trial.currencies, balanced },
    };
  }

  private async repaymentPage(cursor: string | null): Promise<RepaymentPage> {
    const url = new URL('/v1/loans', this.config.REPAYMENT_URL);
    url.searchParams.set('limit', String(ReconciliationPageMax));
    if (cursor) url.searchParams.set('cursor', cursor);
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { authorization: `Bearer ${this.config.OPERATOR_API_KEY}` },
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new DomainError(
        'LEDGER.RECONCILIATION_UNAVAILABLE',
        `the repayment service is not reachable at ${this.config.REPAYMENT_URL}: ${(error as Error).message}`,
        'rejected',
      );
    }
    if (!response.ok) {
      throw new DomainError(
        'LEDGER.RECONCILIATION_UNAVAILABLE',
        `the repayment service answered ${response.status}`,
        'rejected',
      );
    }
    return (await response.json()) as RepaymentPage;
  }
}
