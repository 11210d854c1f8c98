import { Money } from '@credit/money';
import {
  dueDates,
  equalInstallmentPayment,
  equalInstallmentSchedule,
  equalPrincipalParts,
  equalPrincipalSchedule,
  scheduleToJSON,
} from './index';

const cny = (amount: string) => Money.of(amount, 'CNY');
const strings = (amounts: readonly Money[]) => amounts.map((amount) => amount.toString());

describe('mortgage-1m-4.9pct-360-months-equal-installment (等额本息)', () => {
  const schedule = equalInstallmentSchedule({
    principal: cny('1000000.00'),
    annualRate: '0.049',
    periods: 360,
    startDate: '2025-01-15',
  });
  const [first, second] = schedule.installments;
  const last = schedule.installments.at(-1);

  it('pays the published 5,307.27 a month', () => {
    expect(first?.total.toString()).toBe('5307.27');
    expect(second?.total.toString()).toBe('5307.27');
  });

  it('month 1 is interest 4,083.33 and principal 1,223.94', () => {
    expect(first?.interest.toString()).toBe('4083.33');
    expect(first?.principal.toString()).toBe('1223.94');
    expect(first?.balance.toString()).toBe('998776.06');
  });

  it('the last period takes the remaining balance, so principal sums exactly', () => {
    expect(schedule.installments).toHaveLength(360);
    expect(last?.balance.toString()).toBe('0.00');
    expect(schedule.totals.principal.toString()).toBe('1000000.00');
    expect(
      schedule.totals.total.equals(schedule.totals.principal.add(schedule.totals.interest)),
    ).toBe(true);
  });

  it('interest of each period is the previous balance × 4.9% / 12, rounded HALF_EVEN', () => {
    let balance = cny('1000000.00');
    for (const row of schedule.installments) {
      expect(row.interest.equals(balance.multiplyByRatio('0.049', '12', 'HALF_EVEN'))).toBe(true);
      balance = row.balance;
    }
  });

  it('has a nominal APR of 4.90% and an effective APR of 5.01%', () => {
    expect(schedule.nominalApr).toBe('0.0490');
    expect(schedule.apr).toBe('0.0501');
  });

  it('due dates are monthly from the disbursement date', () => {
    expect(first?.dueDate).toBe('2025-02-15');
    expect(last?.dueDate).toBe('2055-01-15');
  });
});

describe('loan-100k-4.9pct-120-months-equal-installment', () => {
  it('pays the published 1,055.77 a month', () => {
    expect(equalInstallmentPayment(cny('100000.00'), '0.049', 120).toString()).toBe('1055.77');
    const schedule = equalInstallmentSchedule({
      principal: cny('100000.00'),
      annualRate: '0.049',
      periods: 120,
      startDate: '2025-06-01',
    });
    expect(schedule.installments[0]?.total.toString()).toBe('1055.77');
    expect(schedule.totals.principal.toString()).toBe('100000.00');
  });
});

describe('mortgage-1m-4.9pct-360-months-equal-principal (等额本金)', () => {
  const schedule = equalPrincipalSchedule({
    principal: cny('1000000.00'),
    annualRate: '0.049',
    periods: 360,
    startDate: '2025-01-15',
  });
  const rows = schedule.installments;

  it('month 1 totals the published 6,861.11', () => {
    expect(rows[0]?.principal.toString()).toBe('2777.78');
    expect(rows[0]?.interest.toString()).toBe('4083.33');
    expect(rows[0]?.total.toString()).toBe('6861.11');
  });

  it('falls by 11.34 a month: month 2 is 6,849.77', () => {
    expect(rows[1]?.total.toString()).toBe('6849.77');
    expect(rows[0]?.total.subtract(rows[1]?.total ?? cny('0')).toString()).toBe('11.34');
  });

  it('puts the remainder on the last period and sums exactly', () => {
    expect(rows[358]?.principal.toString()).toBe('2777.78');
    expect(rows[359]?.principal.toString()).toBe('2776.98');
    expect(rows[359]?.balance.toString()).toBe('0.00');
    expect(schedule.totals.principal.toString()).toBe('1000000.00');
  });
});

describe('equal-principal parts', () => {
  it('rounds P/n HALF_EVEN and puts the remainder last', () => {
    expect(strings(equalPrincipalParts(cny('100.00'), 3))).toEqual(['33.33', '33.33', '33.34']);
    expect(strings(equalPrincipalParts(cny('200.00'), 3))).toEqual(['66.67', '66.67', '66.66']);
  });

  it('falls back to truncation when rounding up would overdraw a tiny principal', () => {
    const parts = equalPrincipalParts(cny('0.10'), 12);
    expect(parts.every((part) => !part.isNegative())).toBe(true);
    expect(Money.sum('CNY', parts).toString()).toBe('0.10');
    expect(parts.at(-1)?.toString()).toBe('0.10');
  });
});

describe('small-loan-1-yuan-360-months-payment-rounds-up', () => {
  it('caps principal at the balance so the balance never goes below zero', () => {
    // The exact payment is 0.0053, rounded to 0.01; interest rounds to 0.00.
    const schedule = equalInstallmentSchedule({
      principal: cny('1.00'),
      annualRate: '0.049',
      periods: 360,
      startDate: '2025-01-01',
    });
    expect(schedule.installments.every((row) => !row.balance.isNegative())).toBe(true);
    expect(schedule.totals.principal.toString()).toBe('1.00');
    expect(schedule.installments[100]?.total.toString()).toBe('0.00');
  });
});

describe('zero-rate-loan', () => {
  it('equal installment at 0% is principal / n with the remainder last and APR 0', () => {
    const schedule = equalInstallmentSchedule({
      principal: cny('100.00'),
      annualRate: '0',
      periods: 3,
      startDate: '2025-01-01',
    });
    expect(strings(schedule.installments.map((row) => row.total))).toEqual([
      '33.33',
      '33.33',
      '33.34',
    ]);
    expect(schedule.apr).toBe('0.0000');
    expect(schedule.nominalApr).toBe('0.0000');
  });
});

describe('loan-with-upfront-fee', () => {
  it('withholds the fee from the disbursement and counts it in the APR', () => {
    const schedule = equalInstallmentSchedule({
      principal: cny('12000.00'),
      annualRate: '0',
      periods: 12,
      startDate: '2025-01-01',
      upfrontFee: cny('120.00'),
    });
    expect(schedule.disbursed.toString()).toBe('11880.00');
    // Cross-checked with an independent 50-digit bisection: monthly IRR 0.00154960…
    expect(schedule.nominalApr).toBe('0.0186');
    expect(schedule.apr).toBe('0.0188');
  });
});

describe('interest by day count instead of the monthly rate', () => {
  it('charges the actual days of each period under ACT/365', () => {
    const schedule = equalPrincipalSchedule({
      principal: cny('12000.00'),
      annualRate: '0.0365',
      periods: 12,
      startDate: '2025-01-15',
      interestBasis: 'ACT/365',
    });
    // 31 days: 12000 × 0.0365 × 31 / 365 = 37.20; 28 days on 11000: 30.80
    expect(schedule.installments[0]?.interest.toString()).toBe('37.20');
    expect(schedule.installments[1]?.interest.toString()).toBe('30.80');
  });

  it('keeps the level payment and still amortises fully', () => {
    const schedule = equalInstallmentSchedule({
      principal: cny('50000.00'),
      annualRate: '0.18',
      periods: 24,
      startDate: '2025-01-31',
      interestBasis: '30/360',
    });
    expect(schedule.installments.at(-1)?.balance.toString()).toBe('0.00');
    expect(schedule.totals.principal.toString()).toBe('50000.00');
  });
});

describe('due dates', () => {
  it('one month after start clamps to month ends from the anchor', () => {
    expect(dueDates('2025-01-31', 4)).toEqual([
      '2025-02-28',
      '2025-03-31',
      '2025-04-30',
      '2025-05-31',
    ]);
  });

  it('an explicit due day falls in the month after the start month', () => {
    expect(dueDates('2025-01-20', 2, { kind: 'day-of-month', day: 10 })).toEqual([
      '2025-02-10',
      '2025-03-10',
    ]);
    expect(dueDates('2025-01-05', 2, { kind: 'day-of-month', day: 31 })).toEqual([
      '2025-02-28',
      '2025-03-31',
    ]);
  });

  it('moves a first period shorter than minFirstPeriodDays one month later', () => {
    expect(
      dueDates('2025-01-20', 2, { kind: 'day-of-month', day: 10, minFirstPeriodDays: 25 }),
    ).toEqual(['2025-03-10', '2025-04-10']);
  });

  it('rejects invalid inputs with coded errors', () => {
    expect(() => dueDates('2025-02-30', 3)).toThrow('LENDING.INVALID_DATE');
    expect(() => dueDates('2025-01-01', 0)).toThrow('LENDING.INVALID_ARGUMENT');
    expect(() =>
      equalInstallmentSchedule({
        principal: cny('100.00'),
        annualRate: '-0.01',
        periods: 3,
        startDate: '2025-01-01',
      }),
    ).toThrow('LENDING.INVALID_ARGUMENT');
  });
});

describe('scheduleToJSON', () => {
  it('gives decimal strings, never numbers', () => {
    const json = scheduleToJSON(
      equalInstallmentSchedule({
        principal: cny('100000.00'),
        annualRate: '0.049',
        periods: 120,
        startDate: '2025-06-01',
      }),
    );
    expect(json.installments[0]).toEqual({
      period: 1,
      dueDate: '2025-07-01',
      principal: '647.44',
      interest: '408.33',
      fee: '0.00',
      total: '1055.77',
      balance: '99352.56',
    });
    expect(json.totals.principal).toBe('100000.00');
    expect(json.currency).toBe('CNY');
  });
});
