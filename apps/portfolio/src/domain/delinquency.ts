import { Money } from '@credit/money';
import type { LoanPosition } from './position';
import { rate } from './ratio';

/**
 * The delinquency thresholds reported: more than 0, 30 and 90 days past due — "30+" is the
 * 31–60 bucket and worse, "90+" the 90+ bucket, so the rates and the buckets agree.
 */
export const DelinquencyThresholds = { '1+': 0, '30+': 30, '90+': 90 } as const;
export type DelinquencyThreshold = keyof typeof DelinquencyThresholds;

export interface DelinquencyRates {
  readonly asOf: string;
  readonly loans: number;
  readonly outstanding: string;
  /** By threshold: the share of active loans, and of their outstanding balance, past it. */
  readonly rates: Readonly<Record<DelinquencyThreshold, { byCount: string; byBalance: string }>>;
}

/** Delinquency of the active loans of one currency on `asOf`. */
export function delinquencyRates(
  asOf: string,
  currency: string,
  positions: readonly LoanPosition[],
): DelinquencyRates {
  const active = positions.filter((p) => p.status === 'active');
  const total = Money.sum(
    currency,
    active.map((p) => p.outstanding),
  );
  const entries = Object.entries(DelinquencyThresholds).map(([name, days]) => {
    const past = active.filter((p) => p.daysPastDue > days);
    const balance = Money.sum(
      currency,
      past.map((p) => p.outstanding),
    );
    return [
      name,
      { byCount: rate(past.length, active.length), byBalance: rate(balance.amount, total.amount) },
    ] as const;
  });
  return {
    asOf,
    loans: active.length,
    outstanding: total.toString(),
    rates: Object.fromEntries(entries) as DelinquencyRates['rates'],
  };
}
