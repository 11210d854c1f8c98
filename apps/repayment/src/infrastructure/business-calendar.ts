import type { EntityManager } from 'typeorm';
import { addDays, compareIsoDates, type IsoDate } from '@credit/lending-math';

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

/** The latest business date closed so far, or null before the first close. */
export async function lastClosedBusinessDate(manager: EntityManager): Promise<IsoDate | null> {
  const [row] = await manager.query<{ last: string | null }[]>(
    `SELECT to_char(max(business_date), 'YYYY-MM-DD') AS last FROM business_days`,
  );
  return row?.last ?? null;
}
