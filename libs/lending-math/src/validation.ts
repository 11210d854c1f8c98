import {
  type Decimal,
  type DecimalInput,
  Money,
  type RoundingMode,
  assertRoundingMode,
  isMoneyError,
  toMoneyDecimal,
} from '@credit/money';
import { LendingErrorCode, LendingMathError } from './errors';

/** Longest schedule accepted: 40 years of monthly periods. */
export const MaxSchedulePeriods = 480;

/** The error of a negative rate or amount where none may be. */
function negative(fieldName: string, value: Decimal | Money): LendingMathError {
  return new LendingMathError(
    LendingErrorCode.INVALID_ARGUMENT,
    `${fieldName} must not be negative`,
    {
      field: fieldName,
      value: value.toString(),
    },
  );
}

/** A non-negative rate as a `MoneyDecimal`. @throws LENDING.INVALID_ARGUMENT naming the field */
export function toRate(value: DecimalInput, fieldName: string): Decimal {
  let rate: Decimal;
  try {
    rate = toMoneyDecimal(value, fieldName);
  } catch (error: unknown) {
    if (isMoneyError(error)) {
      throw new LendingMathError(
        LendingErrorCode.INVALID_ARGUMENT,
        `${fieldName} must be a decimal string such as "0.0005"`,
        { field: fieldName },
      );
    }
    throw error;
  }
  if (rate.isNegative()) throw negative(fieldName, rate);
  return rate;
}

export function assertPeriods(periods: number, fieldName = 'periods'): void {
  if (!Number.isSafeInteger(periods) || periods < 1 || periods > MaxSchedulePeriods) {
    throw new LendingMathError(
      LendingErrorCode.INVALID_ARGUMENT,
      `${fieldName} must be an integer from 1 to ${MaxSchedulePeriods}`,
      { field: fieldName, value: String(periods) },
    );
  }
}

export function assertNonNegativeInteger(value: number, fieldName: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new LendingMathError(
      LendingErrorCode.INVALID_ARGUMENT,
      `${fieldName} must be a non-negative integer`,
      { field: fieldName, value: String(value) },
    );
  }
}

export function assertMoney(value: unknown, fieldName: string): asserts value is Money {
  if (!Money.isMoney(value)) {
    throw new LendingMathError(LendingErrorCode.INVALID_ARGUMENT, `${fieldName} must be a Money`, {
      field: fieldName,
    });
  }
}

export function assertNonNegativeMoney(value: unknown, fieldName: string): asserts value is Money {
  assertMoney(value, fieldName);
  if (value.isNegative()) throw negative(fieldName, value);
}

export function assertPositiveMoney(value: unknown, fieldName: string): asserts value is Money {
  assertMoney(value, fieldName);
  if (!value.isPositive()) {
    throw new LendingMathError(LendingErrorCode.INVALID_ARGUMENT, `${fieldName} must be positive`, {
      field: fieldName,
      value: value.toString(),
    });
  }
}

export function assertSameCurrency(expected: string, value: Money, fieldName: string): void {
  if (value.currency !== expected) {
    throw new LendingMathError(
      LendingErrorCode.INVALID_ARGUMENT,
      `${fieldName} must be in ${expected}`,
      { field: fieldName, currency: value.currency },
    );
  }
}

export function checkedRounding(mode: RoundingMode): RoundingMode {
  assertRoundingMode(mode);
  return mode;
}

export function minMoney(a: Money, b: Money): Money {
  return a.lessThanOrEqual(b) ? a : b;
}

export function maxMoney(a: Money, b: Money): Money {
  return a.greaterThanOrEqual(b) ? a : b;
}
