import { Money, isMoneyError } from '@credit/money';
import { z } from 'zod';
import { moneySchema, type MoneyDto } from '../money-schema';

// The field schemas every event stream builds its payloads from.

export const EventIdLengthMax = 128;

/** An aggregate or reference id: a non-empty string of at most 128 characters. */
export const id = z.string().min(1).max(EventIdLengthMax);
export const timestamp = z.iso.datetime({ offset: true });
export const businessDate = z.iso.date();
/** A free-form external reference (a bank reference, an idempotency key, a hash). */
export const reference = z.string().min(1).max(200);
/** A currency code as the changelogs store it beside a decimal string. */
export const currencyCode = z.string().length(3);

/** The caller's idempotency key and the hash of its request, as the changelogs record them. */
export const idempotencyFields = { idempotencyKey: reference, requestHash: reference };

/** The loan an event is about and its borrower. */
export const loanFields = { loanId: id, customerId: id };

/** The Money an amount denotes, or undefined when it is not valid money (unknown currency, scale). */
export function moneyOf(dto: MoneyDto): Money | undefined {
  try {
    return Money.fromJSON(dto);
  } catch (error) {
    if (isMoneyError(error)) return undefined;
    throw error;
  }
}

/** Money on the wire that the money library accepts: a known currency, at most its scale. */
export const validMoney = moneySchema.strict().superRefine((dto, ctx) => {
  try {
    Money.fromJSON(dto);
  } catch (error) {
    if (!isMoneyError(error)) throw error;
    ctx.addIssue({ code: 'custom', message: error.message });
  }
});

/** An amount that cannot be below zero: components, fees, allocations. */
export const nonNegativeMoney = validMoney.refine(
  (dto) => moneyOf(dto)?.isNegative() !== true,
  'must not be negative',
);
/** The amount an event is about: strictly greater than zero. */
export const positiveMoney = validMoney.refine(
  (dto) => moneyOf(dto)?.isPositive() !== false,
  'must be greater than zero',
);

/**
 * Each event's money fields share one currency: an event never mixes currencies, and the ledger
 * posts one event as one single-currency entry.
 */
export function sameCurrency(
  amounts: readonly (MoneyDto | null)[],
  ctx: z.RefinementCtx,
  path: readonly (string | number)[] = [],
): void {
  const currencies = new Set(amounts.flatMap((money) => (money ? [money.currency] : [])));
  if (currencies.size > 1) {
    ctx.addIssue({
      code: 'custom',
      message: `all amounts of one event must be in one currency, got ${[...currencies].join(', ')}`,
      path: [...path],
    });
  }
}
