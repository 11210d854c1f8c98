import { formatRate } from '@credit/lending-math';
import { type Decimal, MoneyDecimal } from '@credit/money';

/** Places a portfolio rate is reported to (a share such as "0.031250"). */
export const RatePlaces = 6;

/**
 * `numerator / denominator` as a decimal string of `RatePlaces` places, rounded half-even. An
 * empty denominator (no loans, no balance) is a rate of 0, not NaN.
 */
export function rate(numerator: Decimal | number, denominator: Decimal | number): string {
  const d = new MoneyDecimal(denominator);
  if (d.isZero()) return formatRate(new MoneyDecimal(0), RatePlaces);
  return formatRate(new MoneyDecimal(numerator).dividedBy(d), RatePlaces);
}
