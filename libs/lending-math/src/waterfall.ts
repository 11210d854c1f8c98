import { Money } from '@credit/money';
import { type DelinquencyBucket } from './delinquency';
import { invariant } from '@credit/kernel';
import { LendingErrorCode, LendingMathError } from './errors';
import { assertNonNegativeMoney, assertSameCurrency, minMoney } from './validation';

export type BucketState = 'past-due' | 'due' | 'not-due';
export type Component = 'penalty' | 'interest' | 'fee' | 'principal';

export interface WaterfallStep {
  readonly state: BucketState;
  readonly component: Component;
}

/** The order in which a payment settles what is owed, as data. Steps absent are never paid. */
export type Waterfall = readonly WaterfallStep[];

const step = (state: BucketState, component: Component): WaterfallStep =>
  Object.freeze({ state, component });

/**
 * Performing loans: past-due penalty → past-due interest → past-due fee → past-due principal →
 * due fee → due interest → due principal. Nothing not-due is paid: any excess is returned as
 * `overpayment` for the caller to refund, hold, or apply as a prepayment explicitly.
 */
export const PERFORMING_WATERFALL: Waterfall = Object.freeze([
  step('past-due', 'penalty'),
  step('past-due', 'interest'),
  step('past-due', 'fee'),
  step('past-due', 'principal'),
  step('due', 'fee'),
  step('due', 'interest'),
  step('due', 'principal'),
]);

/**
 * `PERFORMING_WATERFALL` followed by not-due principal: the excess prepays future principal
 * (no prepayment fee; not-due interest and fees are not charged, so they are not in the list).
 */
export const PERFORMING_WATERFALL_WITH_PREPAYMENT: Waterfall = Object.freeze([
  ...PERFORMING_WATERFALL,
  step('not-due', 'principal'),
]);

/**
 * Non-performing loans (days past due > `NonPerformingDpdThreshold`, i.e. the '90+' bucket, the
 * charge-off threshold): recover principal first, then interest, then fees, penalties last —
 * past-due before due within each component.
 */
export const NON_PERFORMING_WATERFALL: Waterfall = Object.freeze([
  step('past-due', 'principal'),
  step('due', 'principal'),
  step('past-due', 'interest'),
  step('due', 'interest'),
  step('past-due', 'fee'),
  step('due', 'fee'),
  step('past-due', 'penalty'),
]);

/** Loans more than this many days past due use `NON_PERFORMING_WATERFALL`. */
export const NonPerformingDpdThreshold = 90;

/** The default waterfall for a delinquency bucket: non-performing for '90+', else performing. */
export function waterfallFor(bucket: DelinquencyBucket): Waterfall {
  return bucket === '90+' ? NON_PERFORMING_WATERFALL : PERFORMING_WATERFALL;
}

export interface Bucket {
  readonly state: BucketState;
  readonly component: Component;
  /** Amount owed, ≥ 0. */
  readonly amount: Money;
}

export interface AppliedAmount {
  readonly state: BucketState;
  readonly component: Component;
  /** Index of the bucket in the input list. */
  readonly bucketIndex: number;
  /** Amount applied, > 0. */
  readonly amount: Money;
}

export interface Allocation {
  /** In waterfall order; within a step, in input order (pass buckets oldest first). */
  readonly applied: readonly AppliedAmount[];
  readonly byComponent: Readonly<Record<Component, Money>>;
  /** What is left of the payment after every step: applied + overpayment = payment exactly. */
  readonly overpayment: Money;
}

const COMPONENTS: readonly Component[] = ['penalty', 'interest', 'fee', 'principal'];
const STATES: readonly BucketState[] = ['past-due', 'due', 'not-due'];

function assertWaterfall(waterfall: Waterfall): void {
  const seen = new Set<string>();
  waterfall.forEach((s, i) => {
    if (!STATES.includes(s.state) || !COMPONENTS.includes(s.component)) {
      throw new LendingMathError(LendingErrorCode.INVALID_ARGUMENT, 'unknown waterfall step', {
        index: String(i),
      });
    }
    const key = `${s.state}/${s.component}`;
    if (seen.has(key)) {
      throw new LendingMathError(LendingErrorCode.INVALID_ARGUMENT, 'duplicate waterfall step', {
        step: key,
      });
    }
    seen.add(key);
  });
}

/**
 * Applies `payment` to `buckets` in `waterfall` order. For each step, the buckets with that
 * state and component are paid in input order, each up to its amount. Buckets whose step is not
 * in the waterfall are not paid. Exact (no rounding): Σ applied + overpayment = payment, every
 * applied amount is > 0 and ≤ its bucket, the overpayment is ≥ 0.
 *
 * @throws LENDING.INVALID_ARGUMENT for a negative payment/bucket, another currency or a bad waterfall
 */
export function allocate(
  payment: Money,
  buckets: readonly Bucket[],
  waterfall: Waterfall = PERFORMING_WATERFALL,
): Allocation {
  assertNonNegativeMoney(payment, 'payment');
  assertWaterfall(waterfall);
  const currency = payment.currency;
  buckets.forEach((bucket, i) => {
    assertNonNegativeMoney(bucket.amount, `buckets[${i}].amount`);
    assertSameCurrency(currency, bucket.amount, `buckets[${i}].amount`);
  });

  const zero = Money.zero(currency);
  const applied: AppliedAmount[] = [];
  const byComponent: Record<Component, Money> = {
    penalty: zero,
    interest: zero,
    fee: zero,
    principal: zero,
  };
  let remaining = payment;
  for (const s of waterfall) {
    buckets.forEach((bucket, bucketIndex) => {
      if (bucket.state !== s.state || bucket.component !== s.component) {
        return;
      }
      const amount = minMoney(remaining, bucket.amount);
      if (amount.isZero()) {
        return;
      }
      applied.push({ state: s.state, component: s.component, bucketIndex, amount });
      byComponent[s.component] = byComponent[s.component].add(amount);
      remaining = remaining.subtract(amount);
    });
  }
  invariant(!remaining.isNegative(), 'overpayment must not be negative');
  invariant(
    Money.sum(
      currency,
      applied.map((a) => a.amount),
    )
      .add(remaining)
      .equals(payment),
    'applied + overpayment must equal the payment',
  );
  return { applied, byComponent, overpayment: remaining };
}
