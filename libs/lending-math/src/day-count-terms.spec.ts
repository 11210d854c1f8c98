import { Money } from '@credit/money';
import {
  type DayCountConvention,
  accrueInterest,
  cashLoanPayoff,
  dayCount,
  dayCountOn,
  installmentPayoff,
  scheduleForTerms,
} from './index';
import type { ScheduleTerms } from './terms';

/*
 * Every figure below was worked out by hand (written next to it), not taken from the code.
 * Rounding: HALF_EVEN to the cent, once per amount. Dates: 2025-01-15 → 2025-02-15 is 31 actual
 * days and 30 days under 30/360; 2025-02-15 → 2025-03-15 is 28 actual days and 30 under 30/360.
 */

const cny = (amount: string) => Money.of(amount, 'CNY');
const conventions: readonly DayCountConvention[] = ['ACT/360', 'ACT/365', '30/360'];

function terms(overrides: Partial<ScheduleTerms>): ScheduleTerms {
  return {
    method: 'equal-principal',
    periods: 3,
    annualRate: '0.18',
    dailyRate: null,
    feeRate: null,
    feePayer: null,
    dayCount: 'ACT/365',
    startDate: '2025-01-15',
    ...overrides,
  };
}

describe('accrual: 10,000.00 at 18 % a year from 2025-01-15 to 2025-02-15', () => {
  it.each([
    // 10,000 × 0.18 × 31 / 360 = 155.00
    ['ACT/360', 31, '155.00'],
    // 10,000 × 0.18 × 31 / 365 = 558 / 3.65 = 152.8767… → 152.88
    ['ACT/365', 31, '152.88'],
    // 30/360: 30·(2 − 1) + (15 − 15) = 30 days; 10,000 × 0.18 × 30 / 360 = 150.00
    ['30/360', 30, '150.00'],
  ] as const)('%s: %i days, %s', (convention, days, interest) => {
    expect(dayCount('2025-01-15', '2025-02-15', convention)).toBe(days);
    expect(
      accrueInterest(cny('10000.00'), '0.18', '2025-01-15', '2025-02-15', convention).toString(),
    ).toBe(interest);
  });

  it('daily increments add up to the period count (30/360: 31 Jan adds 1, 1 Feb adds 0, 1 Mar adds 3)', () => {
    // anchor 15th (D1 = 15 ≠ 30, so D2 = 31 is kept): dc(15 Jan, 31 Jan) = 16, dc(…, 1 Feb) = 16
    expect(dayCountOn('2025-01-15', '2025-01-31', '30/360')).toBe(1);
    expect(dayCountOn('2025-01-15', '2025-02-01', '30/360')).toBe(0);
    // anchor 15 Feb: dc(…, 28 Feb) = 13, dc(…, 1 Mar) = 30 + 1 − 15 = 16
    expect(dayCountOn('2025-02-15', '2025-03-01', '30/360')).toBe(3);
    expect(dayCountOn('2025-02-15', '2025-03-01', 'ACT/360')).toBe(1);
    for (const convention of conventions) {
      let sum = 0;
      for (let day = 16; day <= 31; day++)
        sum += dayCountOn('2025-01-15', `2025-01-${day}`, convention);
      for (let day = 1; day <= 15; day++)
        sum += dayCountOn('2025-01-15', `2025-02-${String(day).padStart(2, '0')}`, convention);
      expect(sum).toBe(dayCount('2025-01-15', '2025-02-15', convention));
    }
    expect(() => dayCountOn('2025-01-15', '2025-01-15', '30/360')).toThrow('LENDING.INVALID_DATE');
  });
});

describe('equal-principal 9,000.00 at 18 %, 3 periods from 2025-01-15 (due 15 Feb, 15 Mar, 15 Apr)', () => {
  // Principal 3,000.00 each; interest on 9,000 / 6,000 / 3,000 for 31 / 28 / 31 actual days
  // (30 / 30 / 30 under 30/360).
  it.each([
    // 9,000×.18×31/360 = 139.50; 6,000×.18×28/360 = 84.00; 3,000×.18×31/360 = 46.50
    ['ACT/360', ['139.50', '84.00', '46.50'], '270.00'],
    // 50,220/365 = 137.589… → 137.59; 30,240/365 = 82.849… → 82.85; 16,740/365 = 45.863… → 45.86
    ['ACT/365', ['137.59', '82.85', '45.86'], '266.30'],
    // 9,000×.18/12 = 135.00; 6,000×.18/12 = 90.00; 3,000×.18/12 = 45.00
    ['30/360', ['135.00', '90.00', '45.00'], '270.00'],
  ] as const)('%s: interest %j, total %s', (convention, interest, total) => {
    const schedule = scheduleForTerms(terms({ dayCount: convention }), cny('9000.00'));
    expect(schedule.installments.map((i) => i.principal.toString())).toEqual([
      '3000.00',
      '3000.00',
      '3000.00',
    ]);
    expect(schedule.installments.map((i) => i.interest.toString())).toEqual(interest);
    expect(schedule.totals.interest.toString()).toBe(total);
  });
});

describe('equal-installment 9,000.00 at 12 %, 3 periods from 2025-01-15', () => {
  // Level payment with r = 0.01: 9,000 × 0.01 × 1.030301 / 0.030301 = 3,060.1993… → 3,060.20.
  // Each period: interest by the convention, principal = 3,060.20 − interest, the last period
  // takes the remaining balance (so its total absorbs the rounding).
  it.each([
    // 9,000×.12×31/360 = 93.00 → principal 2,967.20, balance 6,032.80;
    // 6,032.80×.12×28/360 = 56.306… → 56.31 → principal 3,003.89, balance 3,028.91;
    // 3,028.91×.12×31/360 = 31.2987… → 31.30 → last total 3,028.91 + 31.30 = 3,060.21
    ['ACT/360', ['93.00', '56.31', '31.30'], ['2967.20', '3003.89', '3028.91'], '3060.21'],
    // 33,480/365 = 91.726… → 91.73 → principal 2,968.47, balance 6,031.53;
    // 6,031.53×.12×28/365 = 55.523… → 55.52 → principal 3,004.68, balance 3,026.85;
    // 3,026.85×.12×31/365 = 30.849… → 30.85 → last total 3,057.70
    ['ACT/365', ['91.73', '55.52', '30.85'], ['2968.47', '3004.68', '3026.85'], '3057.70'],
    // 30/360 is the textbook monthly rate: 90.00 → 2,970.20, balance 6,029.80;
    // 60.298 → 60.30 → 2,999.90, balance 3,029.90; 30.299 → 30.30 → last total 3,060.20
    ['30/360', ['90.00', '60.30', '30.30'], ['2970.20', '2999.90', '3029.90'], '3060.20'],
  ] as const)('%s', (convention, interest, principal, lastTotal) => {
    const schedule = scheduleForTerms(
      terms({ method: 'equal-installment', annualRate: '0.12', dayCount: convention }),
      cny('9000.00'),
    );
    expect(schedule.installments.map((i) => i.interest.toString())).toEqual(interest);
    expect(schedule.installments.map((i) => i.principal.toString())).toEqual(principal);
    expect(schedule.installments.slice(0, 2).map((i) => i.total.toString())).toEqual([
      '3060.20',
      '3060.20',
    ]);
    expect(schedule.installments[2]?.total.toString()).toBe(lastTotal);
  });
});

describe('daily-interest 10,000.00 at 0.05 % a day, 2 periods from 2025-01-15', () => {
  // Principal 5,000.00 a period. Per-day rate: the year basis does not enter, only the days.
  it.each([
    // 10,000 × 0.0005 × 31 = 155.00; 5,000 × 0.0005 × 28 = 70.00
    ['ACT/360', ['155.00', '70.00']],
    ['ACT/365', ['155.00', '70.00']],
    // 30 days each: 10,000 × 0.0005 × 30 = 150.00; 5,000 × 0.0005 × 30 = 75.00
    ['30/360', ['150.00', '75.00']],
  ] as const)('%s: %j', (convention, interest) => {
    const schedule = scheduleForTerms(
      terms({
        method: 'daily-interest',
        periods: 2,
        annualRate: null,
        dailyRate: '0.0005',
        dayCount: convention,
      }),
      cny('10000.00'),
    );
    expect(schedule.installments.map((i) => i.interest.toString())).toEqual(interest);
  });

  it('pays off on 2025-02-15: 155.00 of interest by actual days, 150.00 under 30/360', () => {
    const act = cashLoanPayoff(cny('10000.00'), '0.0005', '2025-01-15', '2025-02-15', 'ACT/360');
    const thirty = cashLoanPayoff(cny('10000.00'), '0.0005', '2025-01-15', '2025-02-15', '30/360');
    expect([act.days, act.interest.toString(), act.total.toString()]).toEqual([
      31,
      '155.00',
      '10155.00',
    ]);
    expect([thirty.days, thirty.interest.toString(), thirty.total.toString()]).toEqual([
      30,
      '150.00',
      '10150.00',
    ]);
  });
});

describe('installment payoff of 10,000.00 at 18 %, accrued from 2025-01-15, paid on 2025-02-15', () => {
  it.each([
    ['ACT/360', '155.00', '10155.00'],
    ['ACT/365', '152.88', '10152.88'],
    ['30/360', '150.00', '10150.00'],
  ] as const)('%s: accrued %s, total %s', (convention, accrued, total) => {
    const payoff = installmentPayoff({
      outstandingPrincipal: cny('10000.00'),
      annualRate: '0.18',
      accruedFrom: '2025-01-15',
      payoffDate: '2025-02-15',
      dayCount: convention,
    });
    expect(payoff.accruedInterest.toString()).toBe(accrued);
    expect(payoff.total.toString()).toBe(total);
  });
});

describe('scheduleForTerms', () => {
  it('refuses an unknown day-count convention', () => {
    expect(() => scheduleForTerms(terms({ dayCount: 'ACT/ACT' as never }), cny('9000.00'))).toThrow(
      'LENDING.INVALID_ARGUMENT',
    );
  });

  it('leaves a flat-fee plan alone (no interest to count)', () => {
    const plans = conventions.map((dayCountConvention) =>
      scheduleForTerms(
        terms({
          method: 'flat-fee',
          annualRate: null,
          feeRate: '0.025',
          feePayer: 'buyer',
          dayCount: dayCountConvention,
        }),
        cny('1000.00'),
      ).installments.map((i) => i.total.toString()),
    );
    // 1,000 + 2.5 % fee = 1,025.00 over 3: 341.66, 341.66, 341.68 (8.33, 8.33, 8.34 of fee)
    expect(plans).toEqual([
      ['341.66', '341.66', '341.68'],
      ['341.66', '341.66', '341.68'],
      ['341.66', '341.66', '341.68'],
    ]);
  });
});
