import { LendingErrorCode, LendingMathError } from './errors';

/**
 * A calendar date as an ISO `YYYY-MM-DD` string, interpreted in UTC (no time, no zone).
 * Years 1000–9999. Comparisons of valid `IsoDate`s can use string order.
 */
export type IsoDate = string;

const ISO_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;
const MIN_YEAR = 1000;
const MAX_YEAR = 9999;

export interface DateParts {
  readonly year: number;
  /** 1–12 */
  readonly month: number;
  /** 1–31 */
  readonly day: number;
}

/** Number of days in `month` (1–12) of `year`, Gregorian. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') {
    return false;
  }
  const match = ISO_DATE_PATTERN.exec(value);
  if (!match) {
    return false;
  }
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  return (
    year >= MIN_YEAR &&
    year <= MAX_YEAR &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

/** Parses a strict ISO date. @throws LENDING.INVALID_DATE naming `fieldName` */
export function parseIsoDate(value: IsoDate, fieldName = 'date'): DateParts {
  if (!isIsoDate(value)) {
    throw new LendingMathError(
      LendingErrorCode.INVALID_DATE,
      `${fieldName} must be a calendar date YYYY-MM-DD`,
      { field: fieldName, value: typeof value === 'string' ? value : `<${typeof value}>` },
    );
  }
  return {
    year: Number(value.slice(0, 4)),
    month: Number(value.slice(5, 7)),
    day: Number(value.slice(8, 10)),
  };
}

/** Throws `LENDING.INVALID_DATE` unless `value` is a valid ISO date. */
export function assertIsoDate(value: unknown, fieldName: string): asserts value is IsoDate {
  parseIsoDate(value as IsoDate, fieldName);
}

/** Formats parts as `YYYY-MM-DD` (no validation of the day against the month). */
export function formatIsoDate(parts: DateParts): IsoDate {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(parts.year, 4)}-${pad(parts.month, 2)}-${pad(parts.day, 2)}`;
}

/** Days since 1970-01-01 (UTC). */
export function toEpochDay(date: IsoDate): number {
  const { year, month, day } = parseIsoDate(date);
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

export function fromEpochDay(epochDay: number): IsoDate {
  const d = new Date(epochDay * MS_PER_DAY);
  const result = formatIsoDate({
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
  });
  assertIsoDate(result, 'date');
  return result;
}

/** `date` + `days` calendar days (negative to go back). */
export function addDays(date: IsoDate, days: number): IsoDate {
  assertInteger(days, 'days');
  return fromEpochDay(toEpochDay(date) + days);
}

/**
 * The date in `year`/`month` with day-of-month `day`, clamped to the month's last day:
 * `dateInMonth(2025, 2, 31)` → `2025-02-28`. `month` may be outside 1–12 (it rolls over years).
 */
export function dateInMonth(year: number, month: number, day: number): IsoDate {
  assertInteger(day, 'day');
  if (day < 1 || day > 31) {
    throw new LendingMathError(LendingErrorCode.INVALID_DATE, 'day of month must be 1–31', {
      day: String(day),
    });
  }
  const monthIndex = year * 12 + (month - 1);
  const y = Math.floor(monthIndex / 12);
  const m = monthIndex - y * 12 + 1;
  const result = formatIsoDate({ year: y, month: m, day: Math.min(day, daysInMonth(y, m)) });
  assertIsoDate(result, 'date');
  return result;
}

/**
 * `date` + `months` calendar months with end-of-month clamping: 2025-01-31 + 1 → 2025-02-28,
 * 2024-01-31 + 1 → 2024-02-29, 2025-03-31 − 1 → 2025-02-28. Not associative across clamps, so
 * schedules compute every due date from the anchor (`addMonths(start, k)`), never by chaining.
 */
export function addMonths(date: IsoDate, months: number): IsoDate {
  assertInteger(months, 'months');
  const { year, month, day } = parseIsoDate(date);
  return dateInMonth(year, month + months, day);
}

/** Signed number of calendar days from `start` to `end`: `daysBetween('2025-01-01', '2025-01-31')` = 30. */
export function daysBetween(start: IsoDate, end: IsoDate): number {
  return toEpochDay(end) - toEpochDay(start);
}

/** -1, 0 or 1 by calendar order (validates both). */
export function compareIsoDates(a: IsoDate, b: IsoDate): -1 | 0 | 1 {
  const diff = daysBetween(b, a);
  return diff < 0 ? -1 : diff > 0 ? 1 : 0;
}

function assertInteger(value: number, fieldName: string): void {
  if (!Number.isSafeInteger(value)) {
    throw new LendingMathError(
      LendingErrorCode.INVALID_ARGUMENT,
      `${fieldName} must be an integer`,
      {
        field: fieldName,
        value: String(value),
      },
    );
  }
}
