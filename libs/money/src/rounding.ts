import { Decimal } from 'decimal.js';
import { MoneyError, MoneyErrorCode } from './errors';

/**
 * Rounding modes, by name. Every operation that can produce digits beyond the currency
 * scale (multiply, divide, round) takes one of these explicitly; there is no hidden default.
 *
 * | mode        | meaning                                   | decimal.js          |
 * |-------------|-------------------------------------------|---------------------|
 * | `HALF_EVEN` | nearest, ties to even ("bankers")         | `ROUND_HALF_EVEN`   |
 * | `HALF_UP`   | nearest, ties away from zero              | `ROUND_HALF_UP`     |
 * | `DOWN`      | toward zero (truncate)                    | `ROUND_DOWN`        |
 * | `UP`        | away from zero                            | `ROUND_UP`          |
 * | `FLOOR`     | toward negative infinity                  | `ROUND_FLOOR`       |
 * | `CEIL`      | toward positive infinity                  | `ROUND_CEIL`        |
 */
export const RoundingMode = {
  HALF_EVEN: 'HALF_EVEN',
  HALF_UP: 'HALF_UP',
  DOWN: 'DOWN',
  UP: 'UP',
  FLOOR: 'FLOOR',
  CEIL: 'CEIL',
} as const;

export type RoundingMode = (typeof RoundingMode)[keyof typeof RoundingMode];

/** The platform's default for interest and fee accrual: bankers' rounding at currency scale. */
export const DEFAULT_INTEREST_ROUNDING: RoundingMode = RoundingMode.HALF_EVEN;

const DECIMAL_ROUNDING: Readonly<Record<RoundingMode, Decimal.Rounding>> = {
  HALF_EVEN: Decimal.ROUND_HALF_EVEN,
  HALF_UP: Decimal.ROUND_HALF_UP,
  DOWN: Decimal.ROUND_DOWN,
  UP: Decimal.ROUND_UP,
  FLOOR: Decimal.ROUND_FLOOR,
  CEIL: Decimal.ROUND_CEIL,
};

export function isRoundingMode(value: unknown): value is RoundingMode {
  return typeof value === 'string' && Object.hasOwn(DECIMAL_ROUNDING, value);
}

/** Throws `MONEY.INVALID_ROUNDING_MODE` unless `value` is a `RoundingMode` (guards JS callers). */
export function assertRoundingMode(value: unknown): asserts value is RoundingMode {
  if (!isRoundingMode(value)) {
    throw new MoneyError(
      MoneyErrorCode.INVALID_ROUNDING_MODE,
      `rounding mode must be one of ${Object.keys(DECIMAL_ROUNDING).join(', ')}`,
      { roundingMode: String(value) },
    );
  }
}

/** The decimal.js constant for a mode, for rate arithmetic done directly on `MoneyDecimal`. */
export function toDecimalRounding(mode: RoundingMode): Decimal.Rounding {
  assertRoundingMode(mode);
  return DECIMAL_ROUNDING[mode];
}

/**
 * Exact integer division `numerator / denominator` rounded to an integer with `mode`.
 * Internal: the single place where money is rounded.
 */
export function divideAndRound(numerator: bigint, denominator: bigint, mode: RoundingMode): bigint {
  assertRoundingMode(mode);
  if (denominator === 0n) {
    throw new MoneyError(MoneyErrorCode.DIVISION_BY_ZERO, 'division by zero');
  }
  if (denominator < 0n) {
    numerator = -numerator;
    denominator = -denominator;
  }
  const quotient = numerator / denominator; // truncates toward zero
  const remainder = numerator % denominator; // same sign as numerator
  if (remainder === 0n) {
    return quotient;
  }
  const sign = numerator < 0n ? -1n : 1n;
  const awayFromZero = quotient + sign;
  const twiceRemainder = 2n * (remainder < 0n ? -remainder : remainder);
  switch (mode) {
    case 'DOWN':
      return quotient;
    case 'UP':
      return awayFromZero;
    case 'FLOOR':
      return sign < 0n ? awayFromZero : quotient;
    case 'CEIL':
      return sign > 0n ? awayFromZero : quotient;
    case 'HALF_UP':
      return twiceRemainder >= denominator ? awayFromZero : quotient;
    case 'HALF_EVEN':
      if (twiceRemainder !== denominator) {
        return twiceRemainder > denominator ? awayFromZero : quotient;
      }
      return quotient % 2n === 0n ? quotient : awayFromZero;
  }
}
