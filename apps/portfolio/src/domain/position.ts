import {
  type DelinquencyBucket,
  dateInMonth,
  daysInMonth,
  delinquencyBucket,
} from '@credit/lending-math';
import type { Money } from '@credit/money';

export type LoanStatus = 'active' | 'paid-off' | 'charged-off';
/** Where a loan stands at a date: its delinquency bucket while active, else how it ended. */
export type LoanState = DelinquencyBucket | 'paid-off' | 'charged-off';

export const LoanStates: readonly LoanState[] = [
  'current',
  '1-30',
  '31-60',
  '61-90',
  '90+',
  'paid-off',
  'charged-off',
];

/** One loan on one business date: what the portfolio's reports are computed from. */
export interface LoanPosition {
  readonly loanId: string;
  readonly product: string;
  /** The score band of the decision that granted it (A best … E). */
  readonly scoreBand: string;
  /** `YYYY-MM` of the disbursement: the loan's vintage. */
  readonly originationMonth: string;
  /** Principal, interest, fee and penalty still owed (zero once paid off or charged off). */
  readonly outstanding: Money;
  readonly daysPastDue: number;
  readonly status: LoanStatus;
}

export function stateOf(position: Pick<LoanPosition, 'status' | 'daysPastDue'>): LoanState {
  return position.status === 'active' ? delinquencyBucket(position.daysPastDue) : position.status;
}

/** `YYYY-MM` of an ISO date. */
export function monthOf(date: string): string {
  return date.slice(0, 7);
}

/** Whole months from `from` to `to` (`YYYY-MM` both): 0 in the same month. */
export function monthsBetween(from: string, to: string): number {
  const [fy = 0, fm = 0] = from.split('-').map(Number);
  const [ty = 0, tm = 0] = to.split('-').map(Number);
  return (ty - fy) * 12 + (tm - fm);
}

/** The last day of a `YYYY-MM` month, as an ISO date. */
export function monthEnd(month: string): string {
  const [year = 0, m = 0] = month.split('-').map(Number);
  return dateInMonth(year, m, daysInMonth(year, m));
}
