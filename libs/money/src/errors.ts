import { CodedError } from '@credit/kernel';

/**
 * Stable, machine-readable error codes. Callers branch on `code`, never on `message`.
 */
export const MoneyErrorCode = {
  /** An amount string/Decimal is malformed, non-finite or out of the supported range. */
  INVALID_AMOUNT: 'MONEY.INVALID_AMOUNT',
  /** A non-money decimal (rate, factor, ratio, field value) is malformed or non-finite. */
  INVALID_DECIMAL: 'MONEY.INVALID_DECIMAL',
  /** Two amounts in different currencies were combined. There is no implicit conversion. */
  CURRENCY_MISMATCH: 'MONEY.CURRENCY_MISMATCH',
  /** The currency code is not in the supported ISO 4217 table. */
  UNKNOWN_CURRENCY: 'MONEY.UNKNOWN_CURRENCY',
  /** An amount has non-zero digits beyond the currency's minor-unit scale. */
  SCALE_EXCEEDED: 'MONEY.SCALE_EXCEEDED',
  /** Division (or a ratio) by zero. */
  DIVISION_BY_ZERO: 'MONEY.DIVISION_BY_ZERO',
  /** A rounding mode is missing or not one of `RoundingMode`. */
  INVALID_ROUNDING_MODE: 'MONEY.INVALID_ROUNDING_MODE',
  /** Any other bad argument (allocation ratios, number of parts, JSON shape...). */
  INVALID_ARGUMENT: 'MONEY.INVALID_ARGUMENT',
} as const;

export type MoneyErrorCode = (typeof MoneyErrorCode)[keyof typeof MoneyErrorCode];

/** Every error thrown by `@credit/money` is a `MoneyError` with a `MONEY.*` code. */
export class MoneyError extends CodedError<MoneyErrorCode> {
  override readonly name = 'MoneyError';
}

export function isMoneyError(error: unknown): error is MoneyError {
  return error instanceof MoneyError;
}
