import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { type CurrencyCode, currencyScale } from './currency';
import { MoneyError } from './errors';
import { Money } from './money';
import { RoundingMode, toDecimalRounding } from './rounding';

/** Reference arithmetic for cross-checks: enough precision that nothing here is rounded. */
const Exact = Decimal.clone({ precision: 500, toExpNeg: -1000, toExpPos: 1000 });

const currencyArb = fc.constantFrom<CurrencyCode>('CNY', 'JPY', 'KWD', 'USD');
const unitsArb = fc.bigInt({ min: -(10n ** 24n), max: 10n ** 24n });
const moneyArb = (currency: CurrencyCode) =>
  unitsArb.map((units) => Money.fromMinorUnits(units, currency));
const pairArb = currencyArb.chain((currency) => fc.tuple(moneyArb(currency), moneyArb(currency)));
const modeArb = fc.constantFrom(...Object.values(RoundingMode));

/** A non-negative decimal string with up to `maxDecimals` decimals, built independently of the library. */
const decimalStringArb = (maxDecimals: number) =>
  fc
    .tuple(
      fc.bigInt({ min: 0n, max: 10n ** 12n }),
      fc.array(fc.constantFrom(...'0123456789'), { maxLength: maxDecimals }),
    )
    .map(([integer, fraction]) =>
      fraction.length === 0 ? integer.toString() : `${integer}.${fraction.join('')}`,
    );

/** Canonical text of a currency amount: sign only when non-zero, exactly `scale` decimals. */
const canonicalArb = currencyArb.chain((currency) => {
  const scale = currencyScale(currency);
  return fc
    .tuple(
      fc.boolean(),
      fc.bigInt({ min: 0n, max: 10n ** 20n }),
      fc.array(fc.constantFrom(...'0123456789'), { minLength: scale, maxLength: scale }),
    )
    .map(([negative, integer, fraction]) => {
      const body = scale === 0 ? integer.toString() : `${integer}.${fraction.join('')}`;
      const isZero = integer === 0n && fraction.every((digit) => digit === '0');
      return { currency, text: negative && !isZero ? `-${body}` : body };
    });
});

const atScale = (money: Money) =>
  new RegExp(money.scale === 0 ? '^-?\\d+$' : `^-?\\d+\\.\\d{${money.scale}}$`).test(
    money.toString(),
  );

describe('Money properties', () => {
  it('parse → toString round-trips canonical strings', () => {
    fc.assert(
      fc.property(canonicalArb, ({ currency, text }) => {
        expect(Money.of(text, currency).toString()).toBe(text);
      }),
    );
  });

  it('parsing any valid string within scale preserves the exact value', () => {
    fc.assert(
      fc.property(
        currencyArb.chain((c) => fc.tuple(fc.constant(c), decimalStringArb(currencyScale(c)))),
        fc.boolean(),
        ([currency, text], negative) => {
          const input = negative ? `-${text}` : text;
          const money = Money.of(input, currency);
          expect(money.amount.eq(new Exact(input))).toBe(true);
          expect(atScale(money)).toBe(true);
        },
      ),
    );
  });

  it('strings with non-zero digits beyond scale are rejected with MONEY.SCALE_EXCEEDED', () => {
    fc.assert(
      fc.property(
        currencyArb,
        decimalStringArb(3),
        fc.integer({ min: 1, max: 9 }),
        (currency, text, digit) => {
          const scale = currencyScale(currency);
          const [integer = '0', fraction = ''] = text.split('.');
          const tooPrecise = `${integer}.${fraction.padEnd(scale, '0').slice(0, scale)}${digit}`;
          expect(() => Money.of(tooPrecise, currency)).toThrow(/MONEY\.SCALE_EXCEEDED/);
        },
      ),
    );
  });

  it('invalid strings are rejected with MONEY.INVALID_AMOUNT', () => {
    const junk = fc.string({ maxLength: 12 }).filter((s) => !/^-?\d+(\.\d+)?$/.test(s));
    const corrupted = fc
      .tuple(
        decimalStringArb(2),
        fc.constantFrom(' ', ',', 'e', 'E', '+', '_', '\n', '٣'),
        fc.nat(),
      )
      .map(([text, bad, at]) => {
        const i = at % (text.length + 1);
        return text.slice(0, i) + bad + text.slice(i);
      });
    fc.assert(
      fc.property(fc.oneof(junk, corrupted), currencyArb, (text, currency) => {
        let caught: unknown;
        try {
          Money.of(text, currency);
        } catch (error) {
          caught = error;
        }
        expect(caught).toBeInstanceOf(MoneyError);
        expect((caught as MoneyError).code).toBe('MONEY.INVALID_AMOUNT');
      }),
    );
  });

  it('JSON round-trips', () => {
    fc.assert(
      fc.property(currencyArb.chain(moneyArb), (money) => {
        const back = Money.fromJSON(JSON.parse(JSON.stringify(money)));
        expect(back.equals(money)).toBe(true);
        expect(back.currency).toBe(money.currency);
      }),
    );
  });

  it('add/subtract round-trip and agree with exact decimal arithmetic', () => {
    fc.assert(
      fc.property(pairArb, ([a, b]) => {
        expect(a.add(b).subtract(b).equals(a)).toBe(true);
        expect(a.subtract(b).add(b).equals(a)).toBe(true);
        expect(a.add(b).equals(b.add(a))).toBe(true);
        expect(a.add(b).amount.eq(new Exact(a.toString()).plus(b.toString()))).toBe(true);
        expect(a.add(a.negate()).isZero()).toBe(true);
        expect(a.compare(b) + b.compare(a)).toBe(0);
        expect(a.lessThan(b)).toBe(a.subtract(b).isNegative());
      }),
    );
  });

  it('multiply and divide equal exact arithmetic rounded once with the given mode', () => {
    const factorArb = fc
      .tuple(decimalStringArb(8), fc.boolean())
      .map(([text, negative]) => (negative ? `-${text}` : text));
    fc.assert(
      fc.property(currencyArb.chain(moneyArb), factorArb, modeArb, (money, factor, mode) => {
        const rm = toDecimalRounding(mode);
        const expectedProduct = new Exact(money.toString())
          .times(factor)
          .toDecimalPlaces(money.scale, rm);
        expect(money.multiply(factor, mode).amount.eq(expectedProduct)).toBe(true);
        if (!new Exact(factor).isZero()) {
          const expectedQuotient = new Exact(money.toString())
            .div(factor)
            .toDecimalPlaces(money.scale, rm);
          expect(money.divide(factor, mode).amount.eq(expectedQuotient)).toBe(true);
        }
      }),
    );
  });

  it('allocate: parts are at scale, sum exactly, and each is within one minor unit of its exact share', () => {
    const ratiosArb = fc
      .array(decimalStringArb(4), { minLength: 1, maxLength: 12 })
      .filter((ratios) => ratios.some((r) => !new Exact(r).isZero()));
    fc.assert(
      fc.property(currencyArb.chain(moneyArb), ratiosArb, (money, ratios) => {
        const parts = money.allocate(ratios);
        expect(parts).toHaveLength(ratios.length);
        expect(Money.sum(money.currency, parts).equals(money)).toBe(true);
        const total = ratios.reduce((sum, r) => sum.plus(r), new Exact(0));
        const unit = new Exact(10).pow(-money.scale);
        parts.forEach((part, i) => {
          expect(part.currency).toBe(money.currency);
          expect(atScale(part)).toBe(true);
          const exactShare = new Exact(money.toString()).times(ratios[i] ?? '0').div(total);
          expect(part.amount.minus(exactShare).abs().lt(unit)).toBe(true);
          if (new Exact(ratios[i] ?? '0').isZero()) {
            expect(part.isZero()).toBe(true);
          }
        });
      }),
    );
  });

  it('allocate with equal ratios gives the extra units to the earliest parts', () => {
    fc.assert(
      fc.property(currencyArb.chain(moneyArb), fc.integer({ min: 1, max: 20 }), (money, n) => {
        const parts = money.allocate(Array<string>(n).fill('1'));
        for (let i = 1; i < n; i++) {
          // magnitudes never increase from left to right
          expect(parts[i - 1]?.abs().greaterThanOrEqual(parts[i]?.abs() ?? money)).toBe(true);
        }
        const spread =
          (parts[0]?.abs().minorUnits() ?? 0n) - (parts[n - 1]?.abs().minorUnits() ?? 0n);
        expect(spread === 0n || spread === 1n).toBe(true);
      }),
    );
  });

  it('splitRemainderLast: equal parts, the last differs only by the remainder, sum is exact', () => {
    fc.assert(
      fc.property(currencyArb.chain(moneyArb), fc.integer({ min: 1, max: 36 }), (money, n) => {
        const parts = money.splitRemainderLast(n);
        expect(parts).toHaveLength(n);
        expect(Money.sum(money.currency, parts).equals(money)).toBe(true);
        const first = parts[0] ?? money;
        const last = parts[n - 1] ?? money;
        parts.slice(0, -1).forEach((part) => expect(part.equals(first)).toBe(true));
        const remainder = last.minorUnits() - first.minorUnits();
        expect(remainder).toBe(money.minorUnits() % BigInt(n));
        // the remainder is less than one minor unit per period and never flips the sign
        expect(remainder < 0n ? -remainder : remainder).toBeLessThan(BigInt(n));
        expect(first.isNegative() && money.isPositive()).toBe(false);
        expect(first.isPositive() && money.isNegative()).toBe(false);
      }),
    );
  });
});
