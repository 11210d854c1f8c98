import { type DecimalInput, MoneyDecimal } from '@credit/money';
import { aprFromCashFlows, formatRate, periodicIrr } from './index';

/** The solver converges to within IrrTolerance (1e-18); compare at 15 decimals. */
const irr = (flows: readonly DecimalInput[]) => periodicIrr(flows).toDecimalPlaces(15).toString();

describe('periodic IRR', () => {
  it('solves one period exactly', () => {
    expect(irr(['-1000', '1100'])).toBe('0.1');
    expect(irr(['-100', '90'])).toBe('-0.1');
  });

  it('is exactly 0 when repayments equal the disbursement', () => {
    expect(periodicIrr(['-300', '100', '100', '100']).isZero()).toBe(true);
  });

  it('handles flows that start positive (lender view) the same way', () => {
    expect(irr(['1000', '-1100'])).toBe('0.1');
  });

  it('rejects flows without exactly one sign change', () => {
    expect(() => periodicIrr(['100', '100'])).toThrow('LENDING.NO_UNIQUE_IRR');
    expect(() => periodicIrr(['-100', '250', '-160'])).toThrow('LENDING.NO_UNIQUE_IRR');
  });

  it('brackets very high rates (payday-style 100% a month)', () => {
    expect(irr(['-100', '200'])).toBe('1');
    expect(irr(['-100', '1000'])).toBe('9');
  });
});

describe('APR annualisation', () => {
  it('apr is effective (1+i)^12 − 1 and nominalApr is i × 12, 4 decimals', () => {
    // i = 1% a month
    const flows = ['-1000', '1010'];
    const result = aprFromCashFlows(flows);
    expect(result.periodicRate).toBe('0.01');
    expect(result.apr).toBe('0.1268');
    expect(result.nominalApr).toBe('0.1200');
  });

  it('formats rates HALF_EVEN with fixed decimals and no negative zero', () => {
    expect(formatRate(new MoneyDecimal('0.12345'))).toBe('0.1234');
    expect(formatRate(new MoneyDecimal('0.12355'))).toBe('0.1236');
    expect(formatRate(new MoneyDecimal('-0.00001'))).toBe('0.0000');
    expect(formatRate(new MoneyDecimal('1.5'))).toBe('1.5000');
    expect(formatRate(new MoneyDecimal('-0.25'), 2)).toBe('-0.25');
  });
});
