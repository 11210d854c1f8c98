import { Money } from '@credit/money';
import { cashLoanPayoff, cashLoanSchedule, dailyInterest, dailyRateFromAnnual } from './index';

const cny = (amount: string) => Money.of(amount, 'CNY');

describe('cash-loan-10000-at-0.05pct-daily (日息)', () => {
  it('charges 5.00 a day, computed once for the whole period', () => {
    expect(dailyInterest(cny('10000.00'), '0.0005', 1).toString()).toBe('5.00');
    expect(dailyInterest(cny('10000.00'), '0.0005', 30).toString()).toBe('150.00');
    // 3333.33 × 0.0005 × 7 = 11.6666550 → 11.67 (the rounded daily 1.67 × 7 would be 11.69)
    expect(dailyInterest(cny('3333.33'), '0.0005', 7).toString()).toBe('11.67');
  });

  it('cash-loan-prepaid-day-10: principal plus 10 days of interest, no prepayment fee', () => {
    const payoff = cashLoanPayoff(cny('10000.00'), '0.0005', '2025-03-01', '2025-03-11');
    expect(payoff.days).toBe(10);
    expect(payoff.interest.toString()).toBe('50.00');
    expect(payoff.total.toString()).toBe('10050.00');
  });

  it('same-day payoff costs no interest; a payoff before the start is rejected', () => {
    expect(
      cashLoanPayoff(cny('500.00'), '0.0005', '2025-03-01', '2025-03-01').total.toString(),
    ).toBe('500.00');
    expect(() => cashLoanPayoff(cny('500.00'), '0.0005', '2025-03-02', '2025-03-01')).toThrow(
      'LENDING.INVALID_DATE',
    );
  });

  it('derives a daily rate from an annual rate by convention', () => {
    expect(dailyRateFromAnnual('0.1825', 'ACT/365').toString()).toBe('0.0005');
    expect(dailyRateFromAnnual('0.18', 'ACT/360').toString()).toBe('0.0005');
  });
});

describe('cash-loan-12000-12-months-equal-principal-interest-by-actual-days', () => {
  const schedule = cashLoanSchedule({
    principal: cny('12000.00'),
    dailyRate: '0.0005',
    periods: 12,
    startDate: '2025-01-15',
  });
  const rows = schedule.installments;

  it('repays 1,000.00 of principal a month', () => {
    expect(rows.every((row) => row.principal.toString() === '1000.00')).toBe(true);
    expect(schedule.totals.principal.toString()).toBe('12000.00');
  });

  it('charges interest by the actual days of each month', () => {
    // Jan 15 → Feb 15: 31 days on 12,000; Feb 15 → Mar 15: 28 days on 11,000
    expect(rows[0]?.interest.toString()).toBe('186.00');
    expect(rows[1]?.interest.toString()).toBe('154.00');
    // Dec 15 → Jan 15: 31 days on the last 1,000
    expect(rows[11]?.interest.toString()).toBe('15.50');
    expect(rows[11]?.dueDate).toBe('2026-01-15');
  });
});
