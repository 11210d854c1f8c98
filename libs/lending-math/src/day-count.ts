import {
  type Decimal,
  type DecimalInput,
  DEFAULT_INTEREST_ROUNDING,
  Money,
  MoneyDecimal,
  type RoundingMode,
} from '@credit/money';
import { type IsoDate, daysBetween, parseIsoDate } from './dates';
import { LendingErrorCode, LendingMathError } from './errors';
import { checkedRounding, toRate } from './validation';

/**
 * Day-count conventions (a setting of a product, not a constant):
 * - `ACT/365` — actual days ÷ 365 ("Actual/365 Fixed": leap years still divide by 365);
 * - `ACT/360` — actual days ÷ 360;
 * - `30/360` — 30/360 bond basis (ISDA 2006 4.16(f)): D1 = 31 → 30; D2 = 31 → 30 only when
 *   D1 is (then) 30; days = 360·ΔY + 30·ΔM + ΔD, ÷ 360. No special February rule.
 */
export const DayCountConvention = {
  ACT_365: 'ACT/365',
  ACT_360: 'ACT/360',
  THIRTY_360: '30/360',
} as const;

export type DayCountConvention = (typeof DayCountConvention)[keyof typeof DayCountConvention];

const YEAR_BASIS: Readonly<Record<DayCountConvention, number>> = {
  'ACT/365': 365,
  'ACT/360': 360,
  '30/360': 360,
};

export function isDayCountConvention(value: unknown): value is DayCountConvention {
  return typeof value === 'string' && Object.hasOwn(YEAR_BASIS, value);
}

function assertConvention(value: unknown): asserts value is DayCountConvention {
  if (!isDayCountConvention(value)) {
    throw new LendingMathError(
      LendingErrorCode.INVALID_ARGUMENT,
      `day-count convention must be one of ${Object.keys(YEAR_BASIS).join(', ')}`,
      { convention: String(value) },
    );
  }
}

/** Days in the year under `convention` (365 or 360). */
export function yearBasis(convention: DayCountConvention): number {
  assertConvention(convention);
  return YEAR_BASIS[convention];
}

/**
 * Signed day count from `start` to `end` under `convention`: actual calendar days for the
 * ACT conventions, 30/360 bond-basis days for `30/360`.
 */
export function dayCount(start: IsoDate, end: IsoDate, convention: DayCountConvention): number {
  assertConvention(convention);
  if (convention !== '30/360') {
    return daysBetween(start, end);
  }
  const a = parseIsoDate(start, 'start');
  const b = parseIsoDate(end, 'end');
  const d1 = Math.min(a.day, 30);
  const d2 = d1 === 30 ? Math.min(b.day, 30) : b.day;
  return 360 * (b.year - a.year) + 30 * (b.month - a.month) + (d2 - d1);
}

/** The exact year fraction as a ratio `numerator / denominator` (days / year basis). */
export interface DayCountFactor {
  readonly days: number;
  readonly numerator: Decimal;
  readonly denominator: Decimal;
}

/**
 * Day-count factor as an exact ratio of Decimals, for one-rounding accruals:
 * `principal.multiplyByRatio(rate.times(f.numerator), f.denominator, mode)`.
 */
export function dayCountFactor(
  start: IsoDate,
  end: IsoDate,
  convention: DayCountConvention,
): DayCountFactor {
  const days = dayCount(start, end, convention);
  return {
    days,
    numerator: new MoneyDecimal(days),
    denominator: new MoneyDecimal(yearBasis(convention)),
  };
}

/** Year fraction `days / basis` as a `MoneyDecimal` (34 significant digits, HALF_EVEN). */
export function yearFraction(
  start: IsoDate,
  end: IsoDate,
  convention: DayCountConvention,
): Decimal {
  const f = dayCountFactor(start, end, convention);
  return f.numerator.div(f.denominator);
}

/**
 * Simple interest `principal × annualRate × yearFraction(start, end, convention)`, computed
 * exactly and rounded once to currency scale (default HALF_EVEN).
 * @throws LENDING.INVALID_ARGUMENT (negative rate), LENDING.INVALID_DATE (end before start)
 */
export function accrueInterest(
  principal: Money,
  annualRate: DecimalInput,
  start: IsoDate,
  end: IsoDate,
  convention: DayCountConvention,
  rounding: RoundingMode = DEFAULT_INTEREST_ROUNDING,
): Money {
  const rate = toRate(annualRate, 'annualRate');
  const f = dayCountFactor(start, end, convention);
  if (f.days < 0) {
    throw new LendingMathError(LendingErrorCode.INVALID_DATE, 'end must not be before start', {
      start,
      end,
    });
  }
  return principal.multiplyByRatio(
    rate.times(f.numerator),
    f.denominator,
    checkedRounding(rounding),
  );
}
