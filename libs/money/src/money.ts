import type { Decimal } from 'decimal.js';
import { type CurrencyCode, CURRENCIES, parseCurrency } from './currency';
import { type DecimalInput, type ExactDecimal, MoneyDecimal, plainText, toExact } from './decimal';
import { MoneyError, MoneyErrorCode } from './errors';
import { type RoundingMode, assertRoundingMode, divideAndRound } from './rounding';

/** Wire/storage shape of an amount: a decimal string at currency scale, never a JS number. */
export interface MoneyJSON {
  readonly amount: string;
  readonly currency: string;
}

const TEN = 10n;

function pow10(exponent: number): bigint {
  return TEN ** BigInt(exponent);
}

/**
 * An immutable amount of one currency, always exactly at the currency's minor-unit scale
 * (CNY 10.50, JPY 100, KWD 1.250). Internally an integer count of minor units (bigint),
 * so addition, subtraction, allocation and splitting are exact with no rounding at all.
 *
 * Digits beyond the scale can only appear through `multiply`, `divide`,
 * `multiplyByRatio` and `Money.round`, and each of those requires an explicit
 * `RoundingMode`. Operations on two amounts of different currencies throw
 * `MONEY.CURRENCY_MISMATCH`; there is no implicit conversion.
 */
export class Money {
  private readonly units: bigint;

  /** ISO 4217 code, e.g. "CNY". */
  readonly currency: CurrencyCode;

  /** Minor-unit scale of `currency` (number of decimal places), e.g. 2 for CNY. */
  readonly scale: number;

  private constructor(units: bigint, currency: CurrencyCode) {
    this.units = units;
    this.currency = currency;
    this.scale = CURRENCIES[currency].scale;
    Object.freeze(this);
  }

  // ---------------------------------------------------------------- construction

  /**
   * Strict constructor for amounts that are already at currency scale.
   *
   * `amount` is a decimal string matching `^-?\d+(\.\d+)?$` (no exponent, whitespace,
   * "+", or thousands separators) or a finite Decimal. Fewer decimals than the scale are
   * padded ("10.5" CNY → 10.50); trailing zeros beyond the scale are accepted because the
   * value is exact ("10.500" CNY → 10.50); any non-zero digit beyond the scale throws
   * `MONEY.SCALE_EXCEEDED` — use `Money.round` to round deliberately.
   *
   * @throws MONEY.INVALID_AMOUNT, MONEY.UNKNOWN_CURRENCY, MONEY.SCALE_EXCEEDED
   */
  static of(amount: DecimalInput, currency: string): Money {
    const code = parseCurrency(currency);
    const exact = toExact(amount, 'amount', MoneyErrorCode.INVALID_AMOUNT);
    const scale = CURRENCIES[code].scale;
    const shift = exact.exponent + scale;
    if (shift >= 0) {
      return new Money(exact.coefficient * pow10(shift), code);
    }
    const divisor = pow10(-shift);
    if (exact.coefficient % divisor !== 0n) {
      throw new MoneyError(
        MoneyErrorCode.SCALE_EXCEEDED,
        `${code} amounts have at most ${scale} decimal places; round explicitly with Money.round`,
        { amount: exact.text, currency: code, scale: String(scale) },
      );
    }
    return new Money(exact.coefficient / divisor, code);
  }

  /**
   * The explicit rounding path: any decimal value rounded to currency scale with `mode`
   * (e.g. an interest figure computed with `MoneyDecimal`).
   *
   * @throws MONEY.INVALID_AMOUNT, MONEY.UNKNOWN_CURRENCY, MONEY.INVALID_ROUNDING_MODE
   */
  static round(value: DecimalInput, currency: string, mode: RoundingMode): Money {
    assertRoundingMode(mode);
    const code = parseCurrency(currency);
    const exact = toExact(value, 'amount', MoneyErrorCode.INVALID_AMOUNT);
    return new Money(roundToScale(exact, CURRENCIES[code].scale, mode), code);
  }

  /** An amount from an integer count of minor units (fen, cents, yen): 1050n CNY → 10.50. */
  static fromMinorUnits(units: bigint, currency: string): Money {
    const code = parseCurrency(currency);
    if (typeof units !== 'bigint') {
      throw new MoneyError(MoneyErrorCode.INVALID_AMOUNT, 'minor units must be a bigint', {
        value: `<${typeof units}>`,
      });
    }
    return new Money(units, code);
  }

  static zero(currency: string): Money {
    return new Money(0n, parseCurrency(currency));
  }

  /** Exact sum of `amounts`; all must be in `currency`. An empty list sums to zero. */
  static sum(currency: string, amounts: readonly Money[]): Money {
    let total = Money.zero(currency);
    for (const amount of amounts) {
      total = total.add(amount);
    }
    return total;
  }

  /**
   * Parses `{ amount: "10.50", currency: "CNY" }` strictly (same rules as `Money.of`).
   * @throws MONEY.INVALID_ARGUMENT for a wrong shape, plus every `Money.of` error
   */
  static fromJSON(json: unknown): Money {
    if (
      typeof json !== 'object' ||
      json === null ||
      !('amount' in json) ||
      !('currency' in json) ||
      typeof json.amount !== 'string' ||
      typeof json.currency !== 'string'
    ) {
      throw new MoneyError(
        MoneyErrorCode.INVALID_ARGUMENT,
        'money JSON must be { amount: string, currency: string }',
      );
    }
    return Money.of(json.amount, json.currency);
  }

  static isMoney(value: unknown): value is Money {
    return value instanceof Money;
  }

  // ---------------------------------------------------------------- accessors

  /** The amount as a `MoneyDecimal` (exact; scale ≤ currency scale). */
  get amount(): Decimal {
    return new MoneyDecimal(this.toString());
  }

  /** Integer count of minor units: CNY 10.50 → 1050n, JPY 100 → 100n. */
  minorUnits(): bigint {
    return this.units;
  }

  isZero(): boolean {
    return this.units === 0n;
  }

  isPositive(): boolean {
    return this.units > 0n;
  }

  isNegative(): boolean {
    return this.units < 0n;
  }

  hasSameCurrency(other: Money): boolean {
    return this.currency === other.currency;
  }

  // ---------------------------------------------------------------- exact arithmetic

  add(other: Money): Money {
    this.assertSameCurrency(other, 'add');
    return new Money(this.units + other.units, this.currency);
  }

  subtract(other: Money): Money {
    this.assertSameCurrency(other, 'subtract');
    return new Money(this.units - other.units, this.currency);
  }

  negate(): Money {
    return new Money(-this.units, this.currency);
  }

  abs(): Money {
    return this.units < 0n ? this.negate() : this;
  }

  // ---------------------------------------------------------------- comparison

  /** -1, 0 or 1. @throws MONEY.CURRENCY_MISMATCH */
  compare(other: Money): -1 | 0 | 1 {
    this.assertSameCurrency(other, 'compare');
    return this.units < other.units ? -1 : this.units > other.units ? 1 : 0;
  }

  /** Value equality: same currency and same amount. Different currencies are simply not equal. */
  equals(other: Money): boolean {
    return this.currency === other.currency && this.units === other.units;
  }

  lessThan(other: Money): boolean {
    return this.compare(other) < 0;
  }

  lessThanOrEqual(other: Money): boolean {
    return this.compare(other) <= 0;
  }

  greaterThan(other: Money): boolean {
    return this.compare(other) > 0;
  }

  greaterThanOrEqual(other: Money): boolean {
    return this.compare(other) >= 0;
  }

  // ---------------------------------------------------------------- rounded arithmetic

  /**
   * `this × factor`, computed exactly and rounded once to currency scale with `rounding`.
   * @throws MONEY.INVALID_DECIMAL, MONEY.INVALID_ROUNDING_MODE
   */
  multiply(factor: DecimalInput, rounding: RoundingMode): Money {
    return this.multiplyByRatio(factor, '1', rounding);
  }

  /**
   * `this ÷ divisor`, computed exactly and rounded once to currency scale with `rounding`.
   * @throws MONEY.DIVISION_BY_ZERO, MONEY.INVALID_DECIMAL, MONEY.INVALID_ROUNDING_MODE
   */
  divide(divisor: DecimalInput, rounding: RoundingMode): Money {
    return this.multiplyByRatio('1', divisor, rounding);
  }

  /**
   * `this × numerator ÷ denominator` with a single rounding at the end — use it for
   * accruals such as `principal × annualRate × days ÷ 360` so that no intermediate
   * rate is rounded: `principal.multiplyByRatio(rate.times(days), '360', 'HALF_EVEN')`.
   * @throws MONEY.DIVISION_BY_ZERO, MONEY.INVALID_DECIMAL, MONEY.INVALID_ROUNDING_MODE
   */
  multiplyByRatio(
    numerator: DecimalInput,
    denominator: DecimalInput,
    rounding: RoundingMode,
  ): Money {
    assertRoundingMode(rounding);
    const num = toExact(numerator, 'numerator');
    const den = toExact(denominator, 'denominator');
    if (den.coefficient === 0n) {
      throw new MoneyError(MoneyErrorCode.DIVISION_BY_ZERO, 'cannot divide money by zero', {
        amount: this.toString(),
        currency: this.currency,
      });
    }
    // units × 10^-scale × n × 10^ne ÷ (d × 10^de), re-expressed in units of 10^-scale.
    const exponent = num.exponent - den.exponent;
    let top = this.units * num.coefficient;
    let bottom = den.coefficient;
    if (exponent >= 0) {
      top *= pow10(exponent);
    } else {
      bottom *= pow10(-exponent);
    }
    return new Money(divideAndRound(top, bottom, rounding), this.currency);
  }

  // ---------------------------------------------------------------- allocation

  /**
   * Splits this amount in proportion to `ratios` into parts at currency scale whose sum is
   * exactly this amount.
   *
   * Policy — largest remainder (Hamilton) method:
   * 1. each part gets its exact share rounded toward zero, in minor units;
   * 2. the leftover minor units (always fewer than the number of non-zero shares) are
   *    handed out one each to the parts with the largest discarded remainders;
   * 3. ties go to the earliest index.
   *
   * A part whose ratio is zero is always zero. Negative amounts are allocated by magnitude
   * and negated, so `(-x).allocate(r)` is `x.allocate(r)` with every part negated.
   *
   * @param ratios non-negative decimal strings/Decimals, at least one non-zero
   * @throws MONEY.INVALID_ARGUMENT, MONEY.INVALID_DECIMAL
   */
  allocate(ratios: readonly DecimalInput[]): Money[] {
    if (ratios.length === 0) {
      throw new MoneyError(MoneyErrorCode.INVALID_ARGUMENT, 'allocate needs at least one ratio');
    }
    const exact = ratios.map((ratio, i) => toExact(ratio, `ratios[${i}]`));
    exact.forEach((ratio, i) => {
      if (ratio.coefficient < 0n) {
        throw new MoneyError(MoneyErrorCode.INVALID_ARGUMENT, 'ratios must not be negative', {
          field: `ratios[${i}]`,
          value: ratio.text,
        });
      }
    });
    const minExponent = Math.min(...exact.map((ratio) => ratio.exponent));
    const weights = exact.map((ratio) => ratio.coefficient * pow10(ratio.exponent - minExponent));
    const totalWeight = weights.reduce((sum, weight) => sum + weight, 0n);
    if (totalWeight === 0n) {
      throw new MoneyError(MoneyErrorCode.INVALID_ARGUMENT, 'at least one ratio must be positive');
    }

    const negative = this.units < 0n;
    const total = negative ? -this.units : this.units;
    const shares = weights.map((weight) => total * weight);
    const parts = shares.map((share) => share / totalWeight);
    const remainders = shares.map((share) => share % totalWeight);
    let leftover = total - parts.reduce((sum, part) => sum + part, 0n);

    const order = remainders
      .map((remainder, index) => ({ remainder, index }))
      .sort((a, b) =>
        a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
      );
    for (const { index } of order) {
      if (leftover === 0n) {
        break;
      }
      parts[index] = (parts[index] ?? 0n) + 1n;
      leftover -= 1n;
    }

    return parts.map((part) => new Money(negative ? -part : part, this.currency));
  }

  /**
   * Splits this amount into `count` parts for an installment plan: every part is this
   * amount ÷ count rounded toward zero at currency scale, and the LAST part also carries
   * the remainder ("remainder cents on the last period"). Example: CNY 100.00 / 3 →
   * [33.33, 33.33, 33.34]. The parts sum exactly to this amount; for negative amounts
   * the remainder is negative too. Apply separately to principal and to fee.
   *
   * @param count a positive safe integer (number of periods)
   * @throws MONEY.INVALID_ARGUMENT
   */
  splitRemainderLast(count: number): Money[] {
    if (!Number.isSafeInteger(count) || count < 1) {
      throw new MoneyError(MoneyErrorCode.INVALID_ARGUMENT, 'count must be a positive integer', {
        count: String(count),
      });
    }
    const n = BigInt(count);
    const base = this.units / n; // truncates toward zero
    const last = this.units - base * (n - 1n);
    const parts: Money[] = [];
    for (let i = 1; i < count; i++) {
      parts.push(new Money(base, this.currency));
    }
    parts.push(new Money(last, this.currency));
    return parts;
  }

  // ---------------------------------------------------------------- serialization

  /** Canonical decimal string at currency scale: "10.50", "-0.05", "100" (JPY), "1.250" (KWD). */
  toString(): string {
    return plainText(this.units, -this.scale);
  }

  /** `{ amount: "10.50", currency: "CNY" }` — the wire format (`MoneyDto` in contracts). */
  toJSON(): MoneyJSON {
    return { amount: this.toString(), currency: this.currency };
  }

  /**
   * Blocks accidental numeric coercion (`a > b`, `a + b`, `Number(a)`), which would silently
   * compare or concatenate strings. String coercion (`${money}`) yields `toString()`.
   */
  [Symbol.toPrimitive](hint: string): string {
    if (hint === 'string') {
      return this.toString();
    }
    throw new MoneyError(
      MoneyErrorCode.INVALID_ARGUMENT,
      'Money cannot be used as a number; use compare()/add()/toString()',
    );
  }

  private assertSameCurrency(other: Money, operation: string): void {
    if (this.currency !== other.currency) {
      throw new MoneyError(
        MoneyErrorCode.CURRENCY_MISMATCH,
        `cannot ${operation} ${other.currency} to/with ${this.currency}`,
        { operation, left: this.currency, right: other.currency },
      );
    }
  }
}

/** Rounds coefficient × 10^exponent to `scale` decimals, returned in minor units. */
function roundToScale(exact: ExactDecimal, scale: number, mode: RoundingMode): bigint {
  const shift = exact.exponent + scale;
  return shift >= 0
    ? exact.coefficient * pow10(shift)
    : divideAndRound(exact.coefficient, pow10(-shift), mode);
}
