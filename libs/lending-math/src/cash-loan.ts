import {
  type Decimal,
  type DecimalInput,
  DEFAULT_INTEREST_ROUNDING,
  Money,
  type RoundingMode,
} from '@credit/money';
import { equalPrincipalParts } from './amortizing';
import { type IsoDate, daysBetween } from './dates';
import { type DayCountConvention, dayCount, yearBasis } from './day-count';
import { invariant } from '@credit/kernel';
import { LendingErrorCode, LendingMathError } from './errors';
import {
  type FirstDueRule,
  type Installment,
  type Schedule,
  buildSchedule,
  dueDates,
  installment,
} from './schedule';
import {
  assertNonNegativeInteger,
  assertNonNegativeMoney,
  assertPeriods,
  assertPositiveMoney,
  checkedRounding,
  toRate,
} from './validation';

/**
 * Interest on `principalOutstanding` for `days` days at `dailyRate` (e.g. "0.0005"):
 * principal × dailyRate × days computed exactly and rounded ONCE (default HALF_EVEN) — never
 * the rounded daily figure times days.
 */
export function dailyInterest(
  principalOutstanding: Money,
  dailyRate: DecimalInput,
  days: number,
  rounding: RoundingMode = DEFAULT_INTEREST_ROUNDING,
): Money {
  assertNonNegativeMoney(principalOutstanding, 'principalOutstanding');
  assertNonNegativeInteger(days, 'days');
  const rate = toRate(dailyRate, 'dailyRate');
  return principalOutstanding.multiply(rate.times(days), checkedRounding(rounding));
}

/** The daily rate of an annual rate under a convention: annualRate ÷ 365 or ÷ 360 (Decimal, 34 digits). */
export function dailyRateFromAnnual(
  annualRate: DecimalInput,
  convention: DayCountConvention,
): Decimal {
  return toRate(annualRate, 'annualRate').div(yearBasis(convention));
}

export interface CashLoanScheduleInput {
  readonly principal: Money;
  /** Daily interest rate, e.g. "0.0005" (0.05% a day). */
  readonly dailyRate: DecimalInput;
  readonly periods: number;
  /** Disbursement date; interest accrues from the next day. */
  readonly startDate: IsoDate;
  readonly firstDue?: FirstDueRule;
  /**
   * How the days of a period are counted (default ACT/365): actual days under ACT/365 and
   * ACT/360 (the rate is already per day, so the year basis does not enter), 30/360 bond-basis
   * days under 30/360.
   */
  readonly dayCount?: DayCountConvention;
  /** Rounding of interest and of the P/n principal part. Default HALF_EVEN. */
  readonly rounding?: RoundingMode;
}

/**
 * Term schedule of a daily-interest cash loan (日息, Jiebei-style): equal principal monthly
 * (`equalPrincipalParts`: P/n rounded, remainder on the last period) and interest for each
 * period = outstanding principal × dailyRate × dayCount(previous due date, due date) (the start
 * date for period 1; days by `dayCount`), rounded once per period with `rounding`.
 */
export function cashLoanSchedule(input: CashLoanScheduleInput): Schedule {
  assertPositiveMoney(input.principal, 'principal');
  assertPeriods(input.periods);
  const rate = toRate(input.dailyRate, 'dailyRate');
  const rounding = checkedRounding(input.rounding ?? DEFAULT_INTEREST_ROUNDING);
  const parts = equalPrincipalParts(input.principal, input.periods, rounding);
  const dates = dueDates(input.startDate, input.periods, input.firstDue);
  const convention = input.dayCount ?? 'ACT/365';
  const zero = Money.zero(input.principal.currency);
  const rows: Installment[] = [];
  let balance = input.principal;
  let previous = input.startDate;
  dates.forEach((dueDate, index) => {
    const principalPart = parts[index];
    invariant(principalPart !== undefined, 'one principal part per period');
    const days = dayCount(previous, dueDate, convention);
    invariant(days > 0, 'due dates must advance');
    const interest = balance.multiply(rate.times(days), rounding);
    balance = balance.subtract(principalPart);
    rows.push(installment(index + 1, dueDate, principalPart, interest, zero, balance));
    previous = dueDate;
  });
  return buildSchedule(input.principal, input.startDate, input.principal, rows);
}

export interface CashLoanPayoff {
  readonly days: number;
  readonly principal: Money;
  readonly interest: Money;
  readonly total: Money;
}

/**
 * Amount to repay a cash loan in full on `toDate`: outstanding principal + daily interest for
 * dayCount(fromDate, toDate, convention) days (fromDate = disbursement or the date interest was
 * last paid to; the day of disbursement is not charged, the day of repayment is), rounded once
 * with `rounding`. ACT/365 and ACT/360 count actual days; 30/360 counts 30-day months. No
 * prepayment fee.
 */
export function cashLoanPayoff(
  outstanding: Money,
  dailyRate: DecimalInput,
  fromDate: IsoDate,
  toDate: IsoDate,
  convention: DayCountConvention = 'ACT/365',
  rounding: RoundingMode = DEFAULT_INTEREST_ROUNDING,
): CashLoanPayoff {
  if (daysBetween(fromDate, toDate) < 0) {
    throw new LendingMathError(
      LendingErrorCode.INVALID_DATE,
      'toDate must not be before fromDate',
      {
        fromDate,
        toDate,
      },
    );
  }
  const days = dayCount(fromDate, toDate, convention);
  const interest = dailyInterest(outstanding, dailyRate, days, rounding);
  return { days, principal: outstanding, interest, total: outstanding.add(interest) };
}
