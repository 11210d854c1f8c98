import {
  type Decimal,
  type DecimalInput,
  DEFAULT_INTEREST_ROUNDING,
  Money,
  type RoundingMode,
} from '@credit/money';
import { type IsoDate } from './dates';
import { type DayCountConvention, dayCountFactor } from './day-count';
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
  assertNonNegativeMoney,
  assertPeriods,
  assertPositiveMoney,
  assertSameCurrency,
  checkedRounding,
  maxMoney,
  minMoney,
  toRate,
} from './validation';

/**
 * How period interest is computed on the outstanding balance:
 * - `monthly-rate` (default): balance × annualRate ÷ 12 for every period, whatever its length;
 * - a `DayCountConvention`: balance × annualRate × dayCount(previous date, due date) ÷ basis
 *   (the first period runs from the start date).
 */
export type InterestBasis = 'monthly-rate' | DayCountConvention;

export interface AmortizingScheduleInput {
  readonly principal: Money;
  /** Nominal annual rate as a decimal string/Decimal: "0.049" = 4.9%. */
  readonly annualRate: DecimalInput;
  readonly periods: number;
  /** Disbursement date. */
  readonly startDate: IsoDate;
  readonly firstDue?: FirstDueRule;
  readonly interestBasis?: InterestBasis;
  /** Rounding of interest, of the level payment and of the P/n principal part. Default HALF_EVEN. */
  readonly rounding?: RoundingMode;
  /** A fee withheld at disbursement (the borrower receives principal − upfrontFee); counts in APR. */
  readonly upfrontFee?: Money;
}

interface Prepared {
  readonly principal: Money;
  readonly rate: Decimal;
  readonly periods: number;
  readonly startDate: IsoDate;
  readonly dates: readonly IsoDate[];
  readonly basis: InterestBasis;
  readonly rounding: RoundingMode;
  readonly disbursed: Money;
}

function prepare(input: AmortizingScheduleInput): Prepared {
  assertPositiveMoney(input.principal, 'principal');
  assertPeriods(input.periods);
  const rate = toRate(input.annualRate, 'annualRate');
  const rounding = checkedRounding(input.rounding ?? DEFAULT_INTEREST_ROUNDING);
  const basis = input.interestBasis ?? 'monthly-rate';
  const upfrontFee = input.upfrontFee ?? Money.zero(input.principal.currency);
  assertNonNegativeMoney(upfrontFee, 'upfrontFee');
  assertSameCurrency(input.principal.currency, upfrontFee, 'upfrontFee');
  if (upfrontFee.greaterThanOrEqual(input.principal)) {
    throw new LendingMathError(
      LendingErrorCode.INVALID_ARGUMENT,
      'upfrontFee must be less than the principal',
    );
  }
  return {
    principal: input.principal,
    rate,
    periods: input.periods,
    startDate: input.startDate,
    dates: dueDates(input.startDate, input.periods, input.firstDue),
    basis,
    rounding,
    disbursed: input.principal.subtract(upfrontFee),
  };
}

/** Interest on `balance` for the period (from, to], rounded once. */
export function periodInterest(
  balance: Money,
  annualRate: Decimal,
  from: IsoDate,
  to: IsoDate,
  basis: InterestBasis,
  rounding: RoundingMode,
): Money {
  if (basis === 'monthly-rate') {
    return balance.multiplyByRatio(annualRate, '12', rounding);
  }
  const f = dayCountFactor(from, to, basis);
  invariant(f.days >= 0, 'due dates must not go backwards');
  return balance.multiplyByRatio(annualRate.times(f.numerator), f.denominator, rounding);
}

/**
 * The level payment of an equal-installment (等额本息) loan,
 * P·r·(1+r)^n / ((1+r)^n − 1) with r = annualRate / 12, computed with `MoneyDecimal`
 * (34 significant digits) and rounded ONCE to currency scale with `rounding`. At r = 0 it is
 * P / n rounded.
 */
export function equalInstallmentPayment(
  principal: Money,
  annualRate: DecimalInput,
  periods: number,
  rounding: RoundingMode = DEFAULT_INTEREST_ROUNDING,
): Money {
  assertPositiveMoney(principal, 'principal');
  assertPeriods(periods);
  const rate = toRate(annualRate, 'annualRate');
  const mode = checkedRounding(rounding);
  if (rate.isZero()) {
    return principal.divide(String(periods), mode);
  }
  const r = rate.div(12);
  const growth = r.plus(1).pow(periods);
  const exact = principal.amount.times(r).times(growth).div(growth.minus(1));
  return Money.round(exact, principal.currency, mode);
}

/**
 * Equal installment / French amortisation (等额本息). Every period pays the level payment
 * (see `equalInstallmentPayment`): interest = balance × r rounded (or by day count, see
 * `InterestBasis`), principal = payment − interest, floored at zero and capped at the
 * outstanding balance. The LAST period takes the whole remaining balance as principal, so
 * principal parts sum exactly to the loan principal; its total therefore differs from the
 * level payment by the accumulated rounding (a few cents).
 */
export function equalInstallmentSchedule(input: AmortizingScheduleInput): Schedule {
  const p = prepare(input);
  const payment = equalInstallmentPayment(p.principal, p.rate, p.periods, p.rounding);
  const zero = Money.zero(p.principal.currency);
  const rows: Installment[] = [];
  let balance = p.principal;
  let previous = p.startDate;
  p.dates.forEach((dueDate, index) => {
    const interest = periodInterest(balance, p.rate, previous, dueDate, p.basis, p.rounding);
    const isLast = index === p.periods - 1;
    const principalPart = isLast
      ? balance
      : minMoney(maxMoney(payment.subtract(interest), zero), balance);
    balance = balance.subtract(principalPart);
    rows.push(installment(index + 1, dueDate, principalPart, interest, zero, balance));
    previous = dueDate;
  });
  invariant(balance.isZero(), 'equal-installment schedule must amortise fully');
  return buildSchedule(p.principal, p.startDate, p.disbursed, rows);
}

/**
 * Splits `principal` into `periods` equal-principal parts: each of the first n − 1 parts is
 * P / n rounded to currency scale with `rounding` (HALF_EVEN: 1,000,000.00 / 360 → 2,777.78),
 * and the LAST part is the remainder (1,000,000.00 − 359 × 2,777.78 = 2,776.98). If rounding
 * up would make the first n − 1 parts exceed P (tiny principals), P / n is truncated instead
 * (`splitRemainderLast`), so no part is ever negative.
 */
export function equalPrincipalParts(
  principal: Money,
  periods: number,
  rounding: RoundingMode = DEFAULT_INTEREST_ROUNDING,
): Money[] {
  assertNonNegativeMoney(principal, 'principal');
  assertPeriods(periods);
  const base = principal.divide(String(periods), checkedRounding(rounding));
  const firstParts = base.multiply(String(periods - 1), 'DOWN');
  if (firstParts.greaterThan(principal)) {
    return principal.splitRemainderLast(periods);
  }
  const parts: Money[] = [];
  for (let k = 1; k < periods; k++) {
    parts.push(base);
  }
  parts.push(principal.subtract(firstParts));
  return parts;
}

/**
 * Equal principal / linear amortisation (等额本金): principal per period from
 * `equalPrincipalParts` (remainder on the last period), interest on the balance outstanding
 * before the period (balance × r rounded, or by day count), so totals fall each month by about
 * (P / n) × r.
 */
export function equalPrincipalSchedule(input: AmortizingScheduleInput): Schedule {
  const p = prepare(input);
  const parts = equalPrincipalParts(p.principal, p.periods, p.rounding);
  const zero = Money.zero(p.principal.currency);
  const rows: Installment[] = [];
  let balance = p.principal;
  let previous = p.startDate;
  p.dates.forEach((dueDate, index) => {
    const principalPart = parts[index];
    invariant(principalPart !== undefined, 'one principal part per period');
    const interest = periodInterest(balance, p.rate, previous, dueDate, p.basis, p.rounding);
    balance = balance.subtract(principalPart);
    rows.push(installment(index + 1, dueDate, principalPart, interest, zero, balance));
    previous = dueDate;
  });
  return buildSchedule(p.principal, p.startDate, p.disbursed, rows);
}
