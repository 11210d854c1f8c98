import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { MoneyError } from './errors';
import { RoundingMode, divideAndRound, toDecimalRounding } from './rounding';

const MODES = Object.values(RoundingMode);

describe('divideAndRound', () => {
  // value = n / 10, rounded to an integer
  const table: [string, bigint, Record<RoundingMode, bigint>][] = [
    ['2.5', 25n, { HALF_EVEN: 2n, HALF_UP: 3n, DOWN: 2n, UP: 3n, FLOOR: 2n, CEIL: 3n }],
    ['3.5', 35n, { HALF_EVEN: 4n, HALF_UP: 4n, DOWN: 3n, UP: 4n, FLOOR: 3n, CEIL: 4n }],
    ['-2.5', -25n, { HALF_EVEN: -2n, HALF_UP: -3n, DOWN: -2n, UP: -3n, FLOOR: -3n, CEIL: -2n }],
    ['-3.5', -35n, { HALF_EVEN: -4n, HALF_UP: -4n, DOWN: -3n, UP: -4n, FLOOR: -4n, CEIL: -3n }],
    ['2.4', 24n, { HALF_EVEN: 2n, HALF_UP: 2n, DOWN: 2n, UP: 3n, FLOOR: 2n, CEIL: 3n }],
    ['2.6', 26n, { HALF_EVEN: 3n, HALF_UP: 3n, DOWN: 2n, UP: 3n, FLOOR: 2n, CEIL: 3n }],
    ['-2.6', -26n, { HALF_EVEN: -3n, HALF_UP: -3n, DOWN: -2n, UP: -3n, FLOOR: -3n, CEIL: -2n }],
    ['7.0', 70n, { HALF_EVEN: 7n, HALF_UP: 7n, DOWN: 7n, UP: 7n, FLOOR: 7n, CEIL: 7n }],
  ];
  for (const [label, tenths, expected] of table) {
    for (const mode of MODES) {
      it(`rounds ${label} with ${mode} to ${expected[mode]}`, () => {
        expect(divideAndRound(tenths, 10n, mode)).toBe(expected[mode]);
        // a negative denominator gives the same result as negating the numerator
        expect(divideAndRound(-tenths, -10n, mode)).toBe(expected[mode]);
      });
    }
  }

  it('throws MONEY.DIVISION_BY_ZERO for a zero denominator', () => {
    expect(() => divideAndRound(1n, 0n, 'HALF_EVEN')).toThrow(
      expect.objectContaining({ code: 'MONEY.DIVISION_BY_ZERO' }) as MoneyError,
    );
  });

  it('throws MONEY.INVALID_ROUNDING_MODE for an unknown mode', () => {
    expect(() => divideAndRound(1n, 3n, 'ROUND_SOMEHOW' as RoundingMode)).toThrow(
      expect.objectContaining({ code: 'MONEY.INVALID_ROUNDING_MODE' }) as MoneyError,
    );
  });

  it('agrees with decimal.js toDecimalPlaces for every mode (property)', () => {
    const Exact = Decimal.clone({ precision: 200, toExpNeg: -500, toExpPos: 500 });
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.constantFrom(...MODES),
        (numerator, denominator, mode) => {
          const ours = divideAndRound(numerator, denominator, mode);
          const theirs = new Exact(numerator.toString())
            .div(denominator.toString())
            .toDecimalPlaces(0, toDecimalRounding(mode));
          expect(ours.toString()).toBe(theirs.isZero() ? '0' : theirs.toString());
        },
      ),
      { numRuns: 2000 },
    );
  });
});
