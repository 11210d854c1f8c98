import { errorOf } from '@credit/testing/errors';
import { Decimal } from 'decimal.js';
import { MoneyDecimal } from './decimal';
import { MoneyError, type MoneyErrorCode } from './errors';
import { Money } from './money';
import type { RoundingMode } from './rounding';

const codeOf = (fn: () => unknown) => errorOf(fn, MoneyError).code;

function expectCode(fn: () => unknown, code: MoneyErrorCode): void {
  expect(codeOf(fn)).toBe(code);
}

const cny = (amount: string) => Money.of(amount, 'CNY');
const strings = (parts: Money[]) => parts.map((part) => part.toString());

describe('Money.of (strict construction at currency scale)', () => {
  it('pads to the currency scale in toString', () => {
    expect(cny('10.5').toString()).toBe('10.50');
    expect(cny('10').toString()).toBe('10.00');
    expect(Money.of('100', 'JPY').toString()).toBe('100');
    expect(Money.of('1.25', 'KWD').toString()).toBe('1.250');
    expect(cny('-0.05').toString()).toBe('-0.05');
    expect(cny('007.5').toString()).toBe('7.50');
  });

  it('accepts trailing zeros beyond scale because the value is exact', () => {
    expect(cny('10.500').toString()).toBe('10.50');
    expect(Money.of('100.00', 'JPY').toString()).toBe('100');
  });

  it('normalises negative zero to zero', () => {
    const zero = cny('-0.00');
    expect(zero.toString()).toBe('0.00');
    expect(zero.isNegative()).toBe(false);
    expect(zero.equals(Money.zero('CNY'))).toBe(true);
  });

  it('rejects digits beyond the currency scale with MONEY.SCALE_EXCEEDED', () => {
    expectCode(() => cny('10.505'), 'MONEY.SCALE_EXCEEDED');
    expectCode(() => cny('0.001'), 'MONEY.SCALE_EXCEEDED');
    expectCode(() => Money.of('100.5', 'JPY'), 'MONEY.SCALE_EXCEEDED');
    expectCode(() => Money.of('1.0001', 'KWD'), 'MONEY.SCALE_EXCEEDED');
    expectCode(() => Money.of(new MoneyDecimal('1').div(3), 'CNY'), 'MONEY.SCALE_EXCEEDED');
  });

  it.each(['1e3', '1,000.00', ' 10', '10 ', '+10', '.5', '5.', '', 'abc', '10.5.0', '¥10'])(
    'rejects the malformed amount %p with MONEY.INVALID_AMOUNT',
    (amount) => expectCode(() => cny(amount), 'MONEY.INVALID_AMOUNT'),
  );

  it('rejects JS numbers and non-finite Decimals', () => {
    expectCode(() => Money.of(10.5 as unknown as string, 'CNY'), 'MONEY.INVALID_AMOUNT');
    expectCode(() => Money.of(new MoneyDecimal(NaN), 'CNY'), 'MONEY.INVALID_AMOUNT');
    expectCode(() => Money.of(new MoneyDecimal(-Infinity), 'CNY'), 'MONEY.INVALID_AMOUNT');
  });

  it('accepts Decimals, including ones from the global decimal.js constructor', () => {
    expect(Money.of(new Decimal('12.3'), 'CNY').toString()).toBe('12.30');
    expect(Money.of(new MoneyDecimal('1.2e3'), 'JPY').toString()).toBe('1200');
  });

  it('rejects unknown currencies with MONEY.UNKNOWN_CURRENCY', () => {
    expectCode(() => Money.of('1', 'ABC'), 'MONEY.UNKNOWN_CURRENCY');
    expectCode(() => Money.of('1', 'cny'), 'MONEY.UNKNOWN_CURRENCY');
    expectCode(() => Money.zero('RMB'), 'MONEY.UNKNOWN_CURRENCY');
  });

  it('keeps amounts far beyond float precision exact', () => {
    const big = cny('123456789012345678901234567890.99');
    expect(big.add(cny('0.01')).toString()).toBe('123456789012345678901234567891.00');
    expect(big.minorUnits()).toBe(12345678901234567890123456789099n);
  });
});

describe('Money.round (the explicit rounding path)', () => {
  it.each([
    ['10.125', 'HALF_EVEN', '10.12'],
    ['10.135', 'HALF_EVEN', '10.14'],
    ['10.125', 'HALF_UP', '10.13'],
    ['10.129', 'DOWN', '10.12'],
    ['10.121', 'UP', '10.13'],
    ['-10.121', 'FLOOR', '-10.13'],
    ['-10.129', 'CEIL', '-10.12'],
    ['10.1', 'DOWN', '10.10'],
  ] as const)('rounds %s CNY with %s to %s', (value, mode, expected) => {
    expect(Money.round(value, 'CNY', mode).toString()).toBe(expected);
  });

  it('rounds a rate computation done in MoneyDecimal', () => {
    const interest = new MoneyDecimal('5000.00').times('0.000136986');
    expect(Money.round(interest, 'CNY', 'HALF_EVEN').toString()).toBe('0.68');
  });

  it('requires a valid rounding mode at runtime', () => {
    expectCode(
      () => Money.round('1.005', 'CNY', undefined as unknown as RoundingMode),
      'MONEY.INVALID_ROUNDING_MODE',
    );
  });
});

describe('other constructors and accessors', () => {
  it('fromMinorUnits / minorUnits are inverse', () => {
    const m = Money.fromMinorUnits(1050n, 'CNY');
    expect(m.toString()).toBe('10.50');
    expect(m.minorUnits()).toBe(1050n);
    expect(Money.fromMinorUnits(-7n, 'KWD').toString()).toBe('-0.007');
    expectCode(
      () => Money.fromMinorUnits(1050 as unknown as bigint, 'CNY'),
      'MONEY.INVALID_AMOUNT',
    );
  });

  it('amount is an exact MoneyDecimal', () => {
    const amount = cny('10.50').amount;
    expect(amount).toBeInstanceOf(MoneyDecimal);
    expect(amount.eq('10.5')).toBe(true);
  });

  it('exposes currency and scale', () => {
    const m = Money.of('1', 'BHD');
    expect(m.currency).toBe('BHD');
    expect(m.scale).toBe(3);
  });

  it('Money.sum adds exactly and sums an empty list to zero', () => {
    expect(Money.sum('CNY', [cny('0.10'), cny('0.20'), cny('-0.05')]).toString()).toBe('0.25');
    expect(Money.sum('JPY', []).toString()).toBe('0');
    expectCode(() => Money.sum('CNY', [Money.of('1', 'USD')]), 'MONEY.CURRENCY_MISMATCH');
  });
});

describe('JSON', () => {
  it('serialises amounts as strings, never numbers', () => {
    expect(cny('10.5').toJSON()).toEqual({ amount: '10.50', currency: 'CNY' });
    expect(JSON.stringify({ due: cny('0.1') })).toBe('{"due":{"amount":"0.10","currency":"CNY"}}');
  });

  it('round-trips through JSON.parse and fromJSON', () => {
    const original = Money.of('-1234.567', 'KWD');
    const back = Money.fromJSON(JSON.parse(JSON.stringify(original)));
    expect(back.equals(original)).toBe(true);
  });

  it.each([
    [null, 'MONEY.INVALID_ARGUMENT'],
    ['10.50', 'MONEY.INVALID_ARGUMENT'],
    [{ amount: 10.5, currency: 'CNY' }, 'MONEY.INVALID_ARGUMENT'],
    [{ amount: '10.50' }, 'MONEY.INVALID_ARGUMENT'],
    [{ amount: '10.505', currency: 'CNY' }, 'MONEY.SCALE_EXCEEDED'],
    [{ amount: '1e3', currency: 'CNY' }, 'MONEY.INVALID_AMOUNT'],
    [{ amount: '10.50', currency: 'XYZ' }, 'MONEY.UNKNOWN_CURRENCY'],
  ] as const)('fromJSON(%j) throws %s', (json, code) => {
    expectCode(() => Money.fromJSON(json), code);
  });
});

describe('exact arithmetic and comparison', () => {
  it('adds and subtracts without float error (0.1 + 0.2 = 0.30)', () => {
    expect(cny('0.10').add(cny('0.20')).toString()).toBe('0.30');
    expect(cny('0.30').subtract(cny('0.10')).toString()).toBe('0.20');
  });

  it('negate, abs and sign predicates', () => {
    expect(cny('5.00').negate().toString()).toBe('-5.00');
    expect(cny('-5.00').abs().toString()).toBe('5.00');
    expect(cny('5.00').abs().toString()).toBe('5.00');
    expect(cny('0').isZero()).toBe(true);
    expect(cny('0.01').isPositive()).toBe(true);
    expect(cny('-0.01').isNegative()).toBe(true);
    expect(cny('0.01').isNegative()).toBe(false);
    expect(cny('0').isPositive()).toBe(false);
  });

  it('compares numerically, not lexically', () => {
    expect(cny('9.00').lessThan(cny('10.00'))).toBe(true);
    expect(cny('10.00').greaterThan(cny('9.00'))).toBe(true);
    expect(cny('10.00').compare(cny('10.0'))).toBe(0);
    expect(cny('-1.00').compare(cny('0.50'))).toBe(-1);
    expect(cny('1.00').compare(cny('0.50'))).toBe(1);
    expect(cny('1.00').lessThanOrEqual(cny('1.00'))).toBe(true);
    expect(cny('1.00').greaterThanOrEqual(cny('1.01'))).toBe(false);
  });

  it('refuses to mix currencies with MONEY.CURRENCY_MISMATCH', () => {
    const usd = Money.of('1.00', 'USD');
    expectCode(() => cny('1.00').add(usd), 'MONEY.CURRENCY_MISMATCH');
    expectCode(() => cny('1.00').subtract(usd), 'MONEY.CURRENCY_MISMATCH');
    expectCode(() => cny('1.00').compare(usd), 'MONEY.CURRENCY_MISMATCH');
    expectCode(() => cny('1.00').lessThan(usd), 'MONEY.CURRENCY_MISMATCH');
  });

  it('equals is value equality and is false across currencies', () => {
    expect(cny('1.0').equals(cny('1.00'))).toBe(true);
    expect(cny('1.00').equals(cny('1.01'))).toBe(false);
    expect(cny('1.00').equals(Money.of('1.00', 'HKD'))).toBe(false);
  });

  it('is immutable', () => {
    const a = cny('1.00');
    const b = a.add(cny('2.00'));
    expect(a.toString()).toBe('1.00');
    expect(b.toString()).toBe('3.00');
    expect(Object.isFrozen(a)).toBe(true);
    expect(() => {
      (a as unknown as { currency: string }).currency = 'USD';
    }).toThrow(TypeError);
  });

  it('blocks numeric coercion but allows string conversion', () => {
    const a = cny('10.00');
    expect(() => Number(a)).toThrow(/MONEY\.INVALID_ARGUMENT/);
    expect(String(a)).toBe('10.00');
  });
});

describe('multiply / divide (explicit rounding)', () => {
  it.each([
    ['HALF_EVEN', '5.12'],
    ['HALF_UP', '5.13'],
    ['DOWN', '5.12'],
    ['UP', '5.13'],
    ['FLOOR', '5.12'],
    ['CEIL', '5.13'],
  ] as const)('10.25 × 0.5 = 5.125 rounds with %s to %s', (mode, expected) => {
    expect(cny('10.25').multiply('0.5', mode).toString()).toBe(expected);
  });

  it('rounds negative products by direction (FLOOR vs CEIL vs DOWN)', () => {
    const debt = cny('-10.25');
    expect(debt.multiply('0.5', 'FLOOR').toString()).toBe('-5.13');
    expect(debt.multiply('0.5', 'CEIL').toString()).toBe('-5.12');
    expect(debt.multiply('0.5', 'DOWN').toString()).toBe('-5.12');
    expect(debt.multiply('0.5', 'HALF_UP').toString()).toBe('-5.13');
  });

  it('accepts Decimal factors and integer results stay exact', () => {
    expect(cny('19.99').multiply(new MoneyDecimal(3), 'HALF_EVEN').toString()).toBe('59.97');
    expect(Money.of('1000', 'JPY').multiply('0.08', 'DOWN').toString()).toBe('80');
  });

  it('divides with a stated mode', () => {
    expect(cny('100.00').divide('3', 'HALF_EVEN').toString()).toBe('33.33');
    expect(cny('100.00').divide('3', 'UP').toString()).toBe('33.34');
    expect(cny('0.05').divide('2', 'HALF_EVEN').toString()).toBe('0.02');
    expect(cny('0.07').divide('2', 'HALF_EVEN').toString()).toBe('0.04');
    expect(cny('1.00').divide('0.3', 'DOWN').toString()).toBe('3.33');
  });

  it('throws MONEY.DIVISION_BY_ZERO', () => {
    expectCode(() => cny('1.00').divide('0', 'HALF_EVEN'), 'MONEY.DIVISION_BY_ZERO');
    expectCode(() => cny('1.00').divide('0.000', 'HALF_EVEN'), 'MONEY.DIVISION_BY_ZERO');
    expectCode(() => cny('1.00').multiplyByRatio('1', '0', 'DOWN'), 'MONEY.DIVISION_BY_ZERO');
  });

  it('requires a rounding mode at runtime and a strict factor', () => {
    expectCode(
      () => cny('1.00').multiply('2', undefined as unknown as RoundingMode),
      'MONEY.INVALID_ROUNDING_MODE',
    );
    expectCode(() => cny('1.00').multiply('1e2', 'HALF_EVEN'), 'MONEY.INVALID_DECIMAL');
    expectCode(
      () => cny('1.00').multiply(2 as unknown as string, 'HALF_EVEN'),
      'MONEY.INVALID_DECIMAL',
    );
  });
});

describe('scenario: Jiebei daily-interest cash loan', () => {
  it('CNY 10000.00 at 0.05% per day for 7 days accrues 35.00', () => {
    const principal = cny('10000.00');
    expect(
      principal.multiplyByRatio('0.0005', '1', 'HALF_EVEN').multiply('7', 'HALF_EVEN').toString(),
    ).toBe('35.00');
  });

  it('18% APR over 30 days (ACT/365) on 3333.33 rounds once: 49.32, not 30 × 1.64', () => {
    const principal = cny('3333.33');
    const single = principal.multiplyByRatio(
      new MoneyDecimal('0.18').times(30),
      '365',
      'HALF_EVEN',
    );
    expect(single.toString()).toBe('49.32');
    // Rounding the daily figure first loses 0.12: the reason multiplyByRatio exists.
    const daily = principal.multiplyByRatio('0.18', '365', 'HALF_EVEN');
    expect(daily.toString()).toBe('1.64');
    expect(daily.multiply('30', 'HALF_EVEN').toString()).toBe('49.20');
  });
});

describe('scenario: Huabei installment plan (remainder on the last period)', () => {
  it('CNY 1000.00 over 3 periods with a 2.5% total fee', () => {
    const principal = cny('1000.00');
    const fee = principal.multiply('0.025', 'HALF_EVEN');
    expect(fee.toString()).toBe('25.00');
    expect(strings(principal.splitRemainderLast(3))).toEqual(['333.33', '333.33', '333.34']);
    expect(strings(fee.splitRemainderLast(3))).toEqual(['8.33', '8.33', '8.34']);
  });

  it('CNY 1000.00 over 12 periods puts 0.04 extra on period 12', () => {
    const periods = cny('1000.00').splitRemainderLast(12);
    expect(periods).toHaveLength(12);
    expect(strings(periods.slice(0, 11))).toEqual(Array<string>(11).fill('83.33'));
    expect(periods[11]?.toString()).toBe('83.37');
  });

  it('splits less than one minor unit per period: all on the last period', () => {
    expect(strings(cny('0.02').splitRemainderLast(3))).toEqual(['0.00', '0.00', '0.02']);
    expect(strings(Money.of('5', 'JPY').splitRemainderLast(2))).toEqual(['2', '3']);
  });

  it('splits negative amounts (refund reversal) symmetrically', () => {
    expect(strings(cny('-100.00').splitRemainderLast(3))).toEqual(['-33.33', '-33.33', '-33.34']);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects count %p with MONEY.INVALID_ARGUMENT',
    (count) => expectCode(() => cny('1.00').splitRemainderLast(count), 'MONEY.INVALID_ARGUMENT'),
  );
});

describe('allocate (largest remainder, ties to the earliest index)', () => {
  it('100.00 in three equal shares gives the extra cent to the first part', () => {
    expect(strings(cny('100.00').allocate(['1', '1', '1']))).toEqual(['33.34', '33.33', '33.33']);
  });

  it('gives leftover units to the largest remainders, not simply the first parts', () => {
    // exact shares: 0.3333.., 0.6666.. cents → floors 0, 0; the larger remainder wins.
    expect(strings(cny('0.01').allocate(['1', '2']))).toEqual(['0.00', '0.01']);
    // exact shares 3.5, 1, 0.5 cents: tie between index 0 and 2 goes to index 0.
    expect(strings(cny('0.05').allocate(['70', '20', '10']))).toEqual(['0.04', '0.01', '0.00']);
  });

  it('scenario: repayment of 1000.00 split 70/20/10 between principal, interest and fee', () => {
    const parts = cny('1000.00').allocate(['0.7', '0.2', '0.1']);
    expect(strings(parts)).toEqual(['700.00', '200.00', '100.00']);
  });

  it('mixed-precision ratios and Decimals are exact', () => {
    expect(strings(cny('10.00').allocate(['0.125', new MoneyDecimal('0.875')]))).toEqual([
      '1.25',
      '8.75',
    ]);
  });

  it('zero ratios get zero', () => {
    expect(strings(cny('0.03').allocate(['0', '1', '0', '1']))).toEqual([
      '0.00',
      '0.02',
      '0.00',
      '0.01',
    ]);
  });

  it('negative amounts allocate by magnitude', () => {
    expect(strings(cny('-100.00').allocate(['1', '1', '1']))).toEqual([
      '-33.34',
      '-33.33',
      '-33.33',
    ]);
  });

  it('rejects empty, negative, all-zero and malformed ratios', () => {
    expectCode(() => cny('1.00').allocate([]), 'MONEY.INVALID_ARGUMENT');
    expectCode(() => cny('1.00').allocate(['1', '-1']), 'MONEY.INVALID_ARGUMENT');
    expectCode(() => cny('1.00').allocate(['0', '0.00']), 'MONEY.INVALID_ARGUMENT');
    expectCode(() => cny('1.00').allocate(['1/3']), 'MONEY.INVALID_DECIMAL');
  });
});
