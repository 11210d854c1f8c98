import { Money } from '@credit/money';
import type { LoanPosition } from './position';
import { rate } from './ratio';

/**
 * The delinquency thresholds reported: more than 0, 30 and 90 days past due — "30+" is the
 * 31–60 bucket and worse, "90+" the 90+ bucket, so the rates and the buckets agree.
 */
export const DelinquencyThresholds = { '1+': 0, '30+': 30, '90+': 90 } as const;
export type DelinquencyThreshold = keyof typeof DelinquencyThresholds;
export const DelinquencyThresholdNames = Object.keys(
  DelinquencyThresholds,
) as DelinquencyThreshold[];

/** Active loans and their outstanding: all of them, and those past each threshold. */
export interface DelinquencyTotals {
  readonly loans: number;
  readonly outstanding: Money;
  readonly past: Readonly<Record<DelinquencyThreshold, { loans: number; outstanding: Money }>>;
}

export interface DelinquencyRates {
  readonly asOf: string;
  readonly currency: string;
  readonly loans: number;
  readonly outstanding: string;
  /** By threshold: the loans and balance past it, and their shares of the active book. */
  readonly rates: Readonly<
    Record<
      DelinquencyThreshold,
      { loans: number; outstanding: string; byCount: string; byBalance: string }
    >
  >;
}

/** The rates from the totals (the service sums them in SQL, set-based). */
export function delinquencyFromTotals(asOf: string, totals: DelinquencyTotals): DelinquencyRates {
  const rates = Object.fromEntries(
    DelinquencyThresholdNames.map((name) => {
      const past = totals.past[name];
      return [
        name,
        {
          loans: past.loans,
          outstanding: past.outstanding.toString(),
          byCount: rate(past.loans, totals.loans),
          byBalance: rate(past.outstanding.amount, totals.outstanding.amount),
        },
      ];
    }),
  ) as DelinquencyRates['rates'];
  return {
    asOf,
    currency: totals.outstanding.currency,
    loans: totals.loans,
    outstanding: totals.outstanding.toString(),
    rates,
  };
}

/** The totals of loan positions, one by one: the reference the SQL's sums are checked against. */
export function delinquencyTotalsOf(
  currency: string,
  positions: readonly LoanPosition[],
): DelinquencyTotals {
  const active = positions.filter((p) => p.status === 'active');
  const sum = (of: readonly LoanPosition[]) =>
    Money.sum(
      currency,
      of.map((p) => p.outstanding),
    );
  const past = Object.fromEntries(
    DelinquencyThresholdNames.map((name) => {
      const late = active.filter((p) => p.daysPastDue > DelinquencyThresholds[name]);
      return [name, { loans: late.length, outstanding: sum(late) }];
    }),
  ) as DelinquencyTotals['past'];
  return { loans: active.length, outstanding: sum(active), past };
}

/** Delinquency of the active loans of one currency on `asOf`, from their positions. */
export function delinquencyRates(
  asOf: string,
  currency: string,
  positions: readonly LoanPosition[],
): DelinquencyRates {
  return delinquencyFromTotals(asOf, delinquencyTotalsOf(currency, positions));
}

/** The rates as CSV: a header, then one line per threshold. */
export function delinquencyCsv(report: DelinquencyRates): string {
  const lines = [
    'as_of,currency,threshold,loans_past,loans,by_count,outstanding_past,outstanding,by_balance',
  ];
  for (const name of DelinquencyThresholdNames) {
    const r = report.rates[name];
    lines.push(
      [
        report.asOf,
        report.currency,
        name,
        r.loans,
        report.loans,
        r.byCount,
        r.outstanding,
        report.outstanding,
        r.byBalance,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
