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

/** 0 → 'current', 1–30, 31–60, 61–90, ≥ 91 → '90+' (more than 90 days past due). */
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
  if (dpd === 0) {
    return 'current';
  }
  if (dpd <= 30) {
    return '1-30';
  }
  if (dpd <= 60) {
    return '31-60';
  }
  if (dpd <= 90) {
    return '61-90';
  }
  return '90+';
}
