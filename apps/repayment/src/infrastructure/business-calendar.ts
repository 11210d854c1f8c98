import type { EntityManager } from 'typeorm';
import { addDays, compareIsoDates, type IsoDate } from '@credit/lending-math';
import { DomainError } from '@credit/platform';
import { BusinessDaysAheadMax } from '@credit/api';

/** Today's date in UTC, the platform's business time zone. */
export function todayUtc(now: Date = new Date()): IsoDate {
  return now.toISOString().slice(0, 10);
}

/**
 * The business date a repayment is booked on: the day after the last closed business date, or
 * today when that is later. Closing a future date (as tests do) moves business time forward.
 */
export async function currentBusinessDate(
  manager: EntityManager,
  now: Date = new Date(),
): Promise<IsoDate> {
  const last = await lastClosedBusinessDate(manager);
  const today = todayUtc(now);
  if (!last) return today;
  const afterLast = addDays(last, 1);
  return compareIsoDates(afterLast, today) > 0 ? afterLast : today;
}

export { BusinessDaysAheadMax };

/** The current business date; 400 naming `field` and the bound when `date` is further ahead. */
export async function businessDateWithinHorizon(
  manager: EntityManager,
  field: string,
  date: IsoDate,
): Promise<IsoDate> {
  const today = await currentBusinessDate(manager);
  const max = addDays(today, BusinessDaysAheadMax);
  if (compareIsoDates(date, max) > 0) {
    const problem = `must not be after ${max} (${BusinessDaysAheadMax} days after the business date ${today})`;
    throw new DomainError('VALIDATION.FAILED', `${field} ${problem}`, 'invalid', {
      field,
      fields: [{ field, problems: [problem] }],
      max,
    });
  }
  return today;
}

/** The latest business date closed so far, or null before the first close. */
export async function lastClosedBusinessDate(manager: EntityManager): Promise<IsoDate | null> {
  const [row] = await manager.query<{ last: string | null }[]>(
    `SELECT to_char(max(business_date), 'YYYY-MM-DD') AS last FROM business_days`,
  );
  return row?.last ?? null;
}

/** A closed business date: the close's report and who closed it. */
export interface ClosedDay<T> {
  readonly report: T;
  readonly actor: string;
}

/** The close of a date, when the date is closed. */
export async function closedDay<T>(
  manager: EntityManager,
  businessDate: IsoDate,
): Promise<ClosedDay<T> | undefined> {
  const [row] = await manager.query<{ report: T; actor: string }[]>(
    `SELECT report, actor FROM business_days WHERE business_date = $1`,
    [businessDate],
  );
  return row;
}

/**
 * Records a date as closed with its report and who closed it, in the caller's transaction; the
 * time it was closed, or undefined if it was already (the first close's actor stays).
 */
export async function recordClosedDay(
  manager: EntityManager,
  businessDate: IsoDate,
  report: unknown,
  actor: string,
): Promise<Date | undefined> {
  const inserted = await manager.query<{ closed_at: Date }[]>(
    `INSERT INTO business_days (business_date, report, actor) VALUES ($1, $2, $3)
     ON CONFLICT (business_date) DO NOTHING RETURNING closed_at`,
    [businessDate, JSON.stringify(report), actor],
  );
  return inserted[0]?.closed_at;
}
