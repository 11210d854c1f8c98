import type { DelinquencyBucket } from '@credit/lending-math';
import { Money } from '@credit/money';
import { type LoanPosition, type LoanState, LoanStates, stateOf } from './position';
import { rate } from './ratio';

const Buckets = LoanStates.filter(
  (state): state is DelinquencyBucket => state !== 'paid-off' && state !== 'charged-off',
);

export interface RollRateCell {
  readonly loans: number;
  /** The loans' outstanding at the first month end. */
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
 * The bucket-to-bucket matrix between two month ends: for each loan active at the first, where
 * it stands at the second (a bucket, paid off or charged off), by count and by the balance it had
 * at the first. Loans opened between the two are not in it; a loan active at the first and absent
 * at the second is an error in the positions, not a state.
 */
export function rollRates(
  currency: string,
  first: readonly LoanPosition[],
  second: readonly LoanPosition[],
): RollRateRow[] {
  const later = new Map(second.map((p) => [p.loanId, p]));
  return Buckets.map((from) => {
    const row = first.filter((p) => p.status === 'active' && stateOf(p) === from);
    const rowBalance = Money.sum(
      currency,
      row.map((p) => p.outstanding),
    );
    const to = Object.fromEntries(
      LoanStates.map((state) => {
        const moved = row.filter((p) => {
          const next = later.get(p.loanId);
          if (!next) throw new Error(`loan ${p.loanId} is missing from the second month end`);
          return stateOf(next) === state;
        });
        const balance = Money.sum(
          currency,
          moved.map((p) => p.outstanding),
        );
        return [
          state,
          {
            loans: moved.length,
            balance: balance.toString(),
            byCount: rate(moved.length, row.length),
            byBalance: rate(balance.amount, rowBalance.amount),
          },
        ];
      }),
    ) as Record<LoanState, RollRateCell>;
    return { from, loans: row.length, balance: rowBalance.toString(), to };
  });
}
