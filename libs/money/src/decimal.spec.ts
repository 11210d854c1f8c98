import { errorOf } from '@credit/testing/errors';
import { Decimal } from 'decimal.js';
import { MoneyError } from './errors';
import { MoneyDecimal, isDecimalString, parseDecimal, toExact, toMoneyDecimal } from './decimal';

const codeOf = (fn: () => unknown) => errorOf(fn, MoneyError).code;

describe('isDecimalString', () => {
  it.each(['0', '-0', '10', '10.50', '-0.0005', '007.5', '123456789012345678901234567890.123'])(
    'accepts %p',
    (value) => expect(isDecimalString(value)).toBe(true),
  );

  it.each([
    '',
    '-',
    '.5',
    '5.',
    '+5',
    '1e3',
    '1E-2',
    ' 1',
    '1 ',
    '1,000.00',
    '1_000',
    '0x10',
    'NaN',
    'Infinity',
    '１０',
    '10.5.1',
    '--1',
    '1.-5',
  ])('rejects %p', (value) => expect(isDecimalString(value)).toBe(false));

  it('rejects non-strings', () => {
    expect(isDecimalString(10)).toBe(false);
    expect(isDecimalString(null)).toBe(false);
    expect(isDecimalString(new MoneyDecimal('1'))).toBe(false);
  });
});

describe('parseDecimal', () => {
  it('returns a MoneyDecimal with the exact value', () => {
    const rate = parseDecimal('0.000136986301369863', 'dailyRate');
    expect(rate).toBeInstanceOf(MoneyDecimal);
    expect(rate.toString()).toBe('0.000136986301369863');
  });

  it('throws MONEY.INVALID_DECIMAL naming the field', () => {
    let caught: unknown;
    try {
      parseDecimal('1e-3', 'annualRate');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MoneyError);
    expect((caught as MoneyError).code).toBe('MONEY.INVALID_DECIMAL');
    expect((caught as MoneyError).message).toContain('annualRate');
    expect((caught as MoneyError).details).toEqual({ field: 'annualRate', value: '1e-3' });
  });
});

describe('toMoneyDecimal / toExact', () => {
  it('accepts Decimals from the global constructor and keeps every digit', () => {
    const d = new Decimal('123456789012345678901234567890123456789.000000001');
    expect(toMoneyDecimal(d, 'x').toString()).toBe(
      '123456789012345678901234567890123456789.000000001',
    );
  });

  it('reads Decimal exponents exactly', () => {
    expect(toExact(new MoneyDecimal('1.5e-7'), 'x')).toEqual({
      coefficient: 15n,
      exponent: -8,
      text: '0.00000015',
    });
    expect(toExact(new MoneyDecimal('-2.5e3'), 'x')).toEqual({
      coefficient: -25n,
      exponent: 2,
      text: '-2500',
    });
  });

  it('rejects NaN, Infinity and JS numbers with MONEY.INVALID_DECIMAL', () => {
    expect(codeOf(() => toMoneyDecimal(new MoneyDecimal(NaN), 'x'))).toBe('MONEY.INVALID_DECIMAL');
    expect(codeOf(() => toMoneyDecimal(new MoneyDecimal(Infinity), 'x'))).toBe(
      'MONEY.INVALID_DECIMAL',
    );
    expect(codeOf(() => toMoneyDecimal(0.1 as unknown as string, 'x'))).toBe(
      'MONEY.INVALID_DECIMAL',
    );
  });

  it('rejects absurd exponents instead of building huge integers', () => {
    expect(codeOf(() => toExact(new MoneyDecimal('1e100000'), 'x'))).toBe('MONEY.INVALID_DECIMAL');
  });
});

describe('MoneyDecimal', () => {
  it('does not follow changes to the global Decimal configuration', () => {
    const saved = { precision: Decimal.precision, rounding: Decimal.rounding };
    try {
      Decimal.set({ precision: 5, rounding: Decimal.ROUND_DOWN });
      expect(new MoneyDecimal(1).div(3).toString()).toBe('0.3333333333333333333333333333333333');
      expect(new MoneyDecimal('2.5').toDecimalPlaces(0).toString()).toBe('2'); // HALF_EVEN
    } finally {
      Decimal.set(saved);
    }
  });

  it('prints small rates in plain notation', () => {
    expect(new MoneyDecimal('0.00000000000000000001').toString()).toBe('0.00000000000000000001');
  });
});
