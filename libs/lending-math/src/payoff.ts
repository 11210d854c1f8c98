import {
  type DecimalInput,
  DEFAULT_INTEREST_ROUNDING,
  Money,
  type RoundingMode,
} from '@credit/money';
import { dailyInterest } from './cash-loan';
import { type IsoDate, compareIsoDates, daysBetween } from './dates';
import { type DayCountConvention, accrueInterest } from './day-count';
import { LendingErrorCode, LendingMathError } from './errors';
import { assertNonNegativeMoney, assertSameCurrency, checkedRounding } from './validation';

/** Default penalty (overdue) interest: 0.05% of overdue principal per day. */
export const DEFAULT_PENALTY_DAILY_RATE = '0.0005';

/**
 * Penalty interest on overdue principal: overduePrincipal × dailyRate × days, rounded once
 * (default HALF_EVEN). Default rate `DEFAULT_PENALTY_DAILY_RATE` (0.0005/day).
 */
export function penaltyFor(
  overduePrincipal: Money,
  days: number,
  dailyRate: DecimalInput = DEFAULT_PENALTY_DAILY_RATE,
  rounding: RoundingMode = DEFAULT_INTEREST_ROUNDING,
): Money {
  return dailyInterest(overduePrincipal, dailyRate, days, rounding);
}

export interface OverdueInstallment {
  readonly dueDate: IsoDate;
  /** Principal of that installment still unpaid. */
  readonly principal: Money;
}

export interface InstallmentPayoffInput {
  /** All principal not yet repaid, including overdue principal. */
  readonly outstandingPrincipal: Money;
  readonly annualRate: DecimalInput;
  /** Date interest was last billed to: the last due date on or before payoffDate, or disbursement. */
  readonly accruedFrom: IsoDate;
  readonly payoffDate: IsoDate;
  /** Default ACT/365. */
  readonly dayCount?: DayCountConvention;
  /** Interest of earlier installments billed but unpaid. */
  readonly unpaidBilledInterest?: Money;
  /** Fees billed and unpaid (due or past due). */
  readonly dueFees?: Money;
  /** Overdue installments: penalty accrues on their principal from the due date to payoffDate. */
  readonly overdue?: readonly OverdueInstallment[];
  readonly penaltyDailyRate?: DecimalInput;
  /** Penalties already assessed and unpaid (added as they are). */
  readonly assessedPenalties?: Money;
  readonly rounding?: RoundingMode;
}

export interface InstallmentPayoff {
  readonly principal: Money;
  /** unpaid billed interest + interest accrued from accruedFrom to payoffDate */
  readonly interest: Money;
  readonly accruedInterest: Money;
  readonly accruedDays: number;
  readonly fee: Money;
  readonly penalty: Money;
  readonly total: Money;
}

/**
 * Amount that settles an installment loan on `payoffDate`: outstanding principal + unpaid
 * billed interest + interest accrued on the outstanding principal from `accruedFrom` to
 * `payoffDate` (simple interest under `dayCount`, rounded once) + due fees + penalties
 * (assessed ones plus `penaltyFor(principal, daysBetween(dueDate, payoffDate))` for each
 * overdue installment, each rounded once). No prepayment fee; future interest is not charged.
 */
export function installmentPayoff(input: InstallmentPayoffInput): InstallmentPayoff {
  const principal = input.outstandingPrincipal;
  assertNonNegativeMoney(principal, 'outstandingPrincipal');
  const currency = principal.currency;
  const zero = Money.zero(currency);
  const rounding = checkedRounding(input.rounding ?? DEFAULT_INTEREST_ROUNDING);
  if (compareIsoDates(input.payoffDate, input.accruedFrom) < 0) {
    throw new LendingMathError(
      LendingErrorCode.INVALID_DATE,
      'payoffDate must not be before accruedFrom',
      {
        accruedFrom: input.accruedFrom,
        payoffDate: input.payoffDate,
      },
    );
  }
  const optional = (value: Money | undefined, field: string): Money => {
    const money = value ?? zero;
    assertNonNegativeMoney(money, field);
    assertSameCurrency(currency, money, field);
    return money;
  };
  const billedInterest = optional(input.unpaidBilledInterest, 'unpaidBilledInterest');
  const fee = optional(input.dueFees, 'dueFees');
  let penalty = optional(input.assessedPenalties, 'assessedPenalties');
  for (const [i, item] of (input.overdue ?? []).entries()) {
    const amount = optional(item.principal, `overdue[${i}].principal`);
    // Not yet overdue on payoffDate (due date later) → no penalty days.
    const days = Math.max(0, daysBetween(item.dueDate, input.payoffDate));
    penalty = penalty.add(
      penaltyFor(amount, days, input.penaltyDailyRate ?? DEFAULT_PENALTY_DAILY_RATE, rounding),
    );
  }
  const accruedDays = daysBetween(input.accruedFrom, input.payoffDate);
  const accruedInterest = accrueInterest(
    principal,
    input.annualRate,
    input.accruedFrom,
    input.payoffDate,
    input.dayCount ?? 'ACT/365',
    rounding,
  );
  const interest = billedInterest.add(accruedInterest);
  const total = principal.add(interest).add(fee).add(penalty);
  return { principal, interest, accruedInterest, accruedDays, fee, penalty, total };
}
