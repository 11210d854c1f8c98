import { type DelinquencyBucket, DelinquencyBuckets } from '@credit/lending-math';
import { Money } from '@credit/money';
import { type LoanPosition, type LoanState, LoanStates, stateOf } from './position';
import { rate } from './ratio';

/** Loans that went from one state at the first month end to another at the second. */
export interface RollRateCount {
  readonly from: DelinquencyBucket;
  readonly to: LoanState;
  readonly loans: number;
  /** Their outstanding at the first month end. */
  readonly balance: Money;
}

export interface RollRateCell {
  readonly loans: number;
  readonly balance: string;
  /** Shares of the row (its loans, its balance) that went here. */
  readonly byCount: string;
  readonly byBalance: string;
}

export interface RollRateRow {
  readonly from: DelinquencyBucket;
  readonly loans: number;
  readonly balance: string;
  readonly to: Readonly<Record<LoanState, RollRateCell>>;
}

/**
 * The bucket-to-bucket matrix between two month ends from the counts of loans per (from, to):
 * each row a bucket at the first month end, each column where its loans stand at the second (a
 * bucket, paid off or charged off), by count and by the balance they had at the first.
 */
export function rollRateMatrix(currency: string, counts: readonly RollRateCount[]): RollRateRow[] {
  return DelinquencyBuckets.map(({ bucket: from }) => {
    const row = counts.filter((c) => c.from === from);
    const rowLoans = row.reduce((sum, c) => sum + c.loans, 0);
    const rowBalance = Money.sum(
      currency,
      row.map((c) => c.balance),
    );
    const to = Object.fromEntries(
      LoanStates.map((state) => {
        const cell = row.filter((c) => c.to === state);
        const loans = cell.reduce((sum, c) => sum + c.loans, 0);
        const balance = Money.sum(
          currency,
          cell.map((c) => c.balance),
        );
        return [
          state,
          {
            loans,
            balance: balance.toString(),
            byCount: rate(loans, rowLoans),
            byBalance: rate(balance.amount, rowBalance.amount),
          },
        ];
      }),
    ) as Record<LoanState, RollRateCell>;
    return { from, loans: rowLoans, balance: rowBalance.toString(), to };
  });
}

/**
 * The counts from loan positions at the two month ends, one loan at a time: the reference the
 * service's SQL is checked against. Loans opened between the two are not in it; a loan active at
 * the first and absent at the second is an error in the positions, not a state.
 */
export function rollRateCounts(
  currency: string,
  first: readonly LoanPosition[],
  second: readonly LoanPosition[],
): RollRateCount[] {
  const later = new Map(second.map((p) => [p.loanId, p]));
  const counts = new Map<
    string,
    { from: DelinquencyBucket; to: LoanState; loans: number; balance: Money }
  >();
  for (const position of first) {
    if (position.status !== 'active') continue;
    const next = later.get(position.loanId);
    if (!next) throw new Error(`loan ${position.loanId} is missing from the second month end`);
    const from = stateOf(position) as DelinquencyBucket;
    const to = stateOf(next);
    const key = `${from}>${to}`;
    const count = counts.get(key) ?? { from, to, loans: 0, balance: Money.zero(currency) };
    counts.set(key, {
      ...count,
      loans: count.loans + 1,
      balance: count.balance.add(position.outstanding),
    });
  }
  return [...counts.values()];
}

/** The matrix as CSV: one line per (from, to) cell. */
export function rollRateCsv(
  firstMonth: string,
  secondMonth: string,
  rows: readonly RollRateRow[],
): string {
  const lines = ['from_month,to_month,from_state,to_state,loans,balance,by_count,by_balance'];
  for (const row of rows)
    for (const state of LoanStates) {
      const cell = row.to[state];
      lines.push(
        [
          firstMonth,
          secondMonth,
          row.from,
          state,
          cell.loans,
          cell.balance,
          cell.byCount,
          cell.byBalance,
        ].join(','),
      );
    }
  return `${lines.join('\n')}\n`;
}
