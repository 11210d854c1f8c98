import { Decimal } from 'decimal.js';
import { MoneyError, MoneyErrorCode } from './errors';

/**
 * The platform's Decimal constructor. Always use this (never the global `Decimal`, whose
 * configuration any module may change) for rate arithmetic that feeds into money.
 *
 * - precision 34 significant digits (IEEE 754 decimal128), enough for any realistic
 *   amount times any realistic rate;
 * - HALF_EVEN as the rounding of intermediate *rate* results (money itself is never
 *   rounded implicitly: `Money` methods take an explicit `RoundingMode`);
 * - plain notation for exponents in [-40, 40], so `toString()` never emits "1e-7" for rates.
 */
export const MoneyDecimal: Decimal.Constructor = Decimal.clone({
  precision: 34,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -40,
  toExpPos: 40,
  minE: -9e15,
  maxE: 9e15,
  modulo: Decimal.ROUND_DOWN,
  crypto: false,
});

/** What money/decimal APIs accept: a strict decimal string or a Decimal. Never a JS number. */
export type DecimalInput = string | Decimal;

/** Strict decimal string: optional minus, digits, optional fraction. No exponent/space/separator/plus. */
export const DECIMAL_STRING_PATTERN = /^-?\d+(\.\d+)?$/;

/** Decimal inputs must have |exponent| below this; keeps exact integer arithmetic bounded. */
const MAX_ABS_EXPONENT = 1000;

/** True for strings such as "0", "-12.50", "1000.0001"; false for "1e3", " 1", "1,000", "+1", ".5", "5.". */
export function isDecimalString(value: unknown): value is string {
  return typeof value === 'string' && DECIMAL_STRING_PATTERN.test(value);
}

/**
 * Parses a strict decimal string into a `MoneyDecimal`. Throws `MONEY.INVALID_DECIMAL`
 * naming `fieldName` (e.g. "annualRate") so API errors point at the offending field.
 */
export function parseDecimal(value: string, fieldName: string): Decimal {
  if (!isDecimalString(value)) {
    throw new MoneyError(
      MoneyErrorCode.INVALID_DECIMAL,
      `${fieldName} must be a decimal string such as "0.0005"`,
      { field: fieldName, value: describe(value) },
    );
  }
  return new MoneyDecimal(value);
}

/**
 * Accepts a strict decimal string or a finite Decimal and returns a `MoneyDecimal`.
 * Throws `MONEY.INVALID_DECIMAL` naming `fieldName` otherwise (including JS numbers).
 */
export function toMoneyDecimal(value: DecimalInput, fieldName: string): Decimal {
  return new MoneyDecimal(toExact(value, fieldName, MoneyErrorCode.INVALID_DECIMAL).text);
}

/** Internal exact form: value = coefficient × 10^exponent. */
export interface ExactDecimal {
  readonly coefficient: bigint;
  readonly exponent: number;
  /** Plain (non-exponential) decimal text of the value, e.g. "-0.0005". */
  readonly text: string;
}

/**
 * Converts a strict decimal string or finite Decimal into an exact integer coefficient and
 * power-of-ten exponent, without any rounding. Internal.
 */
export function toExact(
  value: unknown,
  fieldName: string,
  code: MoneyErrorCode = MoneyErrorCode.INVALID_DECIMAL,
): ExactDecimal {
  if (typeof value === 'string') {
    const match = DECIMAL_STRING_PATTERN.exec(value);
    if (!match) {
      throw new MoneyError(code, `${fieldName} must be a decimal string such as "10.50"`, {
        field: fieldName,
        value: describe(value),
      });
    }
    const negative = value.startsWith('-');
    const [integerPart = '0', fractionPart = ''] = (negative ? value.slice(1) : value).split('.');
    const coefficient = BigInt(integerPart + fractionPart);
    return {
      coefficient: negative ? -coefficient : coefficient,
      exponent: -fractionPart.length,
      text: value,
    };
  }
  if (Decimal.isDecimal(value)) {
    if (!value.isFinite()) {
      throw new MoneyError(code, `${fieldName} must be finite`, {
        field: fieldName,
        value: value.toString(),
      });
    }
    // toExponential() without arguments keeps every significant digit: exact.
    const sci = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(value.toExponential());
    if (!sci) {
      throw new MoneyError(code, `${fieldName} could not be read`, { field: fieldName });
    }
    const [, sign = '', lead = '0', rest = '', exp = '0'] = sci;
    const exponent = Number(exp) - rest.length;
    if (Math.abs(exponent) > MAX_ABS_EXPONENT) {
      throw new MoneyError(code, `${fieldName} is outside the supported range`, {
        field: fieldName,
      });
    }
    const magnitude = BigInt(lead + rest);
    const coefficient = sign === '-' ? -magnitude : magnitude;
    return { coefficient, exponent, text: plainText(coefficient, exponent) };
  }
  throw new MoneyError(
    code,
    `${fieldName} must be a decimal string or a Decimal, never a JS number`,
    {
      field: fieldName,
      value: describe(value),
    },
  );
}

/** Plain decimal text of coefficient × 10^exponent, with exactly max(0, -exponent) decimals. */
export function plainText(coefficient: bigint, exponent: number): string {
  const negative = coefficient < 0n;
  let digits = (negative ? -coefficient : coefficient).toString();
  if (exponent >= 0) {
    digits = coefficient === 0n ? '0' : digits + '0'.repeat(exponent);
  } else {
    const scale = -exponent;
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

function describe(value: unknown): string {
  if (typeof value === 'string') {
    return value.length > 64 ? `${value.slice(0, 64)}…` : value;
  }
  return `<${typeof value}>`;
}
