import type { Money } from '@credit/money';
import type { StatementLine } from './payment-rail';

/** A payout the platform booked as paid out: a loan disbursed to its customer, a settlement paid. */
export interface BookedPayout {
  readonly reference: string;
  readonly amount: Money;
  /** The business date (UTC) the platform booked it on. */
  readonly bookedOn: string;
}

export type PayoutBreakKind = 'paid-not-booked' | 'booked-not-paid' | 'amount-differs';

export interface PayoutBreak {
  readonly kind: PayoutBreakKind;
  readonly reference: string;
  /** What the bank paid, and what the platform booked; null for the side that has nothing. */
  readonly bank: Money | null;
  readonly platform: Money | null;
}

/**
 * Matches the bank's statement for a business date against the platform's payouts, by reference:
 * - a statement line with no booked payout (whatever its date) is `paid-not-booked` (an
 *   unconfirmed payout the bank did pay, one the platform failed, an unknown reference);
 * - a payout booked on that date with no statement line of that date is `booked-not-paid`
 *   (unless the bank paid it on another date: `paidElsewhere` lists references it paid then);
 * - a reference on both whose amounts differ (or whose currencies do) is `amount-differs`.
 * Breaks come ordered by reference, then kind.
 */
export function matchStatement(
  businessDate: string,
  statement: readonly StatementLine[],
  booked: readonly BookedPayout[],
  paidElsewhere: ReadonlySet<string> = new Set(),
): PayoutBreak[] {
  const byReference = new Map(booked.map((b) => [b.reference, b]));
  const onStatement = new Set<string>();
  const breaks: PayoutBreak[] = [];
  for (const line of statement) {
    onStatement.add(line.reference);
    const payout = byReference.get(line.reference);
    if (!payout) {
      breaks.push({
        kind: 'paid-not-booked',
        reference: line.reference,
        bank: line.amount,
        platform: null,
      });
    } else if (!sameAmount(line.amount, payout.amount)) {
      breaks.push({
        kind: 'amount-differs',
        reference: line.reference,
        bank: line.amount,
        platform: payout.amount,
      });
    }
  }
  for (const payout of booked) {
    if (payout.bookedOn !== businessDate) continue;
    if (onStatement.has(payout.reference) || paidElsewhere.has(payout.reference)) continue;
    breaks.push({
      kind: 'booked-not-paid',
      reference: payout.reference,
      bank: null,
      platform: payout.amount,
    });
  }
  return breaks.sort(
    (a, b) => a.reference.localeCompare(b.reference) || a.kind.localeCompare(b.kind),
  );
}

function sameAmount(a: Money, b: Money): boolean {
  return a.currency === b.currency && a.equals(b);
}
