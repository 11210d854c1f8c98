import { type IsoDate, daysBetween, parseIsoDate } from './dates';
import { LendingErrorCode, LendingMathError } from './errors';

export type DelinquencyBucket = 'current' | '1-30' | '31-60' | '61-90' | '90+';

/**
 * Days past due on `businessDate` of the oldest unpaid installment: 0 on or before its due date
 * (and when nothing is unpaid, `null`), 1 the day after, and so on.
 */
export function daysPastDue(oldestUnpaidDueDate: IsoDate | null, businessDate: IsoDate): number {
  parseIsoDate(businessDate, 'businessDate');
  if (oldestUnpaidDueDate === null) {
    return 0;
  }
  return Math.max(0, daysBetween(oldestUnpaidDueDate, businessDate));
}

/**
 * The buckets by their most days past due (the last has none): 0 → 'current', 1–30, 31–60,
 * 61–90, ≥ 91 → '90+' (more than 90 days past due). Reports that bucket in SQL are built from it.
 */
export const DelinquencyBuckets: readonly {
  readonly bucket: DelinquencyBucket;
  readonly maxDaysPastDue: number | null;
}[] = [
  { bucket: 'current', maxDaysPastDue: 0 },
  { bucket: '1-30', maxDaysPastDue: 30 },
  { bucket: '31-60', maxDaysPastDue: 60 },
  { bucket: '61-90', maxDaysPastDue: 90 },
  { bucket: '90+', maxDaysPastDue: null },
];

export function delinquencyBucket(dpd: number): DelinquencyBucket {
  if (!Number.isSafeInteger(dpd) || dpd < 0) {
    throw new LendingMathError(
      LendingErrorCode.INVALID_ARGUMENT,
      'dpd must be a non-negative integer',
      {
        dpd: String(dpd),
      },
    );
  }
  const found = DelinquencyBuckets.find(
    (b) => b.maxDaysPastDue === null || dpd <= b.maxDaysPastDue,
  );
  return found?.bucket ?? '90+';
}
