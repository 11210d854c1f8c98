import {
  type Decimal,
  type DecimalInput,
  DEFAULT_INTEREST_ROUNDING,
  Money,
  MoneyDecimal,
  type RoundingMode,
} from '@credit/money';
import { type IsoDate, addDays, daysBetween, parseIsoDate } from './dates';
import { LendingErrorCode, LendingMathError } from './errors';
import { checkedRounding, toRate } from './validation';

/**
 * Day-count conventions (a setting of a product, not a constant):
 * - `ACT/365` — actual days ÷ 365 ("Actual/365 Fixed": leap years still divide by 365);
 * - `ACT/360` — actual days ÷ 360;
 * - `30/360` — 30/360 US bond basis (ISDA 2006 4.16(f), "30/360", "Bond Basis"): D1 = 31 → 30;
 *   D2 = 31 → 30 only when D1 is (then) 30; days = 360·ΔY + 30·ΔM + ΔD, ÷ 360. No special
 *   February rule (not the "30/360 US" end-of-February variant, not 30E/360).
 *
 * A rate quoted per year is turned into money with days ÷ basis; a rate quoted per day (a
 * daily-interest cash loan) only takes the days, so for it ACT/365 and ACT/360 give the same
 * interest and only 30/360 differs (30-day months).
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

/**
 * The day-count days that `date` adds to a period accruing from `anchor` (for daily accruals):
 * dayCount(anchor, date) − dayCount(anchor, date − 1 day). Always 1 for the ACT conventions; 0 to
 * 3 under 30/360 (a 31st adds 0 when the count is capped, 1 March adds 2 or 3 after February).
 * Summed over (anchor, end] it telescopes to dayCount(anchor, end), so daily accruals of a period
 * add up to the period's day count exactly.
 * @throws LENDING.INVALID_DATE when `date` is not after `anchor`
 */
export function dayCountOn(anchor: IsoDate, date: IsoDate, convention: DayCountConvention): number {
  if (daysBetween(anchor, date) < 1) {
    throw new LendingMathError(LendingErrorCode.INVALID_DATE, 'date must be after anchor', {
      anchor,
      date,
    });
  }
  return dayCount(anchor, date, convention) - dayCount(anchor, addDays(date, -1), convention);
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
