import { Money } from '@credit/money';
import {
  DEFAULT_INSTALLMENT_FEE_RATES,
  installmentFeeRate,
  installmentPlanSchedule,
  installmentPlanToJSON,
} from './index';

const cny = (amount: string) => Money.of(amount, 'CNY');
const strings = (amounts: readonly Money[]) => amounts.map((amount) => amount.toString());

describe('installment-purchase-1000-3-periods-buyer-pays-2.5pct-fee (分期)', () => {
  const plan = installmentPlanSchedule({
    principal: cny('1000.00'),
    periods: 3,
    startDate: '2025-01-31',
  });

  it('charges a fee of 25.00 from the default table', () => {
    expect(plan.feeRate).toBe('0.025');
    expect(plan.fee.toString()).toBe('25.00');
    expect(plan.merchantFee.toString()).toBe('0.00');
    expect(plan.merchantPayout.toString()).toBe('1000.00');
  });

  it('splits principal 333.33, 333.33, 333.34 and fee 8.33, 8.33, 8.34', () => {
    expect(strings(plan.installments.map((row) => row.principal))).toEqual([
      '333.33',
      '333.33',
      '333.34',
    ]);
    expect(strings(plan.installments.map((row) => row.fee))).toEqual(['8.33', '8.33', '8.34']);
    expect(strings(plan.installments.map((row) => row.total))).toEqual([
      '341.66',
      '341.66',
      '341.68',
    ]);
  });

  it('installments sum to exactly 1,025.00 and principal parts to exactly 1,000.00', () => {
    expect(plan.totals.total.toString()).toBe('1025.00');
    expect(plan.totals.principal.toString()).toBe('1000.00');
    expect(plan.totals.fee.toString()).toBe('25.00');
    expect(plan.totals.interest.toString()).toBe('0.00');
  });

  it('runs the balance down to zero on end-of-month due dates', () => {
    expect(strings(plan.installments.map((row) => row.balance))).toEqual([
      '666.67',
      '333.34',
      '0.00',
    ]);
    expect(plan.installments.map((row) => row.dueDate)).toEqual([
      '2025-02-28',
      '2025-03-31',
      '2025-04-30',
    ]);
  });

  it('has an APR of 16.00% effective (14.94% nominal): a 2.5% flat fee is not 2.5% a year', () => {
    // Independent 50-digit bisection: monthly IRR 0.0124485…, ×12 = 0.14938, (1+i)^12−1 = 0.16005
    expect(plan.apr).toBe('0.1600');
    expect(plan.nominalApr).toBe('0.1494');
  });

  it('serialises with decimal strings', () => {
    const json = installmentPlanToJSON(plan);
    expect(json.fee).toBe('25.00');
    expect(json.totals.total).toBe('1025.00');
    expect(json.installments[2]?.total).toBe('341.68');
  });
});

describe('installment-purchase-1000-3-periods-merchant-pays-fee', () => {
  const plan = installmentPlanSchedule({
    principal: cny('1000.00'),
    periods: 3,
    startDate: '2025-01-31',
    feePayer: 'merchant',
  });

  it('carries no fee in the buyer installments', () => {
    expect(strings(plan.installments.map((row) => row.fee))).toEqual(['0.00', '0.00', '0.00']);
    expect(plan.totals.total.toString()).toBe('1000.00');
  });

  it('withholds the fee from the merchant payout', () => {
    expect(plan.merchantFee.toString()).toBe('25.00');
    expect(plan.merchantPayout.toString()).toBe('975.00');
  });

  it('costs the buyer nothing: APR 0', () => {
    expect(plan.apr).toBe('0.0000');
  });
});

describe('installment fee table', () => {
  it('has the default 3/6/12-period rates', () => {
    expect(DEFAULT_INSTALLMENT_FEE_RATES).toEqual({ 3: '0.025', 6: '0.045', 12: '0.088' });
    expect(installmentFeeRate(6)).toBe('0.045');
  });

  it('12 periods at 8.8% on 5,000.00 → fee 440.00 split 36.66 × 11 + 36.74', () => {
    const plan = installmentPlanSchedule({
      principal: cny('5000.00'),
      periods: 12,
      startDate: '2025-03-10',
    });
    expect(plan.fee.toString()).toBe('440.00');
    expect(plan.installments[0]?.fee.toString()).toBe('36.66');
    expect(plan.installments[11]?.fee.toString()).toBe('36.74');
    expect(plan.installments[11]?.principal.toString()).toBe('416.74');
    expect(plan.totals.total.toString()).toBe('5440.00');
  });

  it('accepts a product table or an explicit rate, and rejects unknown terms', () => {
    const custom = installmentPlanSchedule({
      principal: cny('900.00'),
      periods: 9,
      startDate: '2025-01-01',
      feeRates: { 9: '0.06' },
    });
    expect(custom.fee.toString()).toBe('54.00');
    const explicit = installmentPlanSchedule({
      principal: cny('333.33'),
      periods: 3,
      startDate: '2025-01-01',
      feeRate: '0.0333',
    });
    // 333.33 × 0.0333 = 11.099889 → 11.10 (HALF_EVEN)
    expect(explicit.fee.toString()).toBe('11.10');
    expect(() =>
      installmentPlanSchedule({ principal: cny('100.00'), periods: 9, startDate: '2025-01-01' }),
    ).toThrow('LENDING.UNKNOWN_FEE_RATE');
  });
});
