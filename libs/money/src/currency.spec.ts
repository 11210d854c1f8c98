import { CURRENCY_CODES, currencyScale, isCurrencyCode, parseCurrency } from './currency';
import { MoneyError } from './errors';

describe('currencies', () => {
  it.each([
    ['CNY', 2],
    ['USD', 2],
    ['EUR', 2],
    ['HKD', 2],
    ['JPY', 0],
    ['KRW', 0],
    ['BHD', 3],
    ['KWD', 3],
  ] as const)('%s has minor-unit scale %i', (code, scale) => {
    expect(currencyScale(code)).toBe(scale);
  });

  it.each(['cny', 'XXX', 'CNH', '', 'toString', 'constructor', '__proto__', 'CNY '])(
    'currencyScale(%p) throws MONEY.UNKNOWN_CURRENCY',
    (code) => {
      expect(() => currencyScale(code)).toThrow(MoneyError);
      expect(() => currencyScale(code)).toThrow(/MONEY\.UNKNOWN_CURRENCY/);
    },
  );

  it('isCurrencyCode / parseCurrency agree with the table', () => {
    for (const code of CURRENCY_CODES) {
      expect(isCurrencyCode(code)).toBe(true);
      expect(parseCurrency(code)).toBe(code);
    }
    expect(isCurrencyCode(42)).toBe(false);
    expect(() => parseCurrency(undefined)).toThrow(/MONEY\.UNKNOWN_CURRENCY/);
  });
});
