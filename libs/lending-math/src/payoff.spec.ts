import { Money } from '@credit/money';
import {
  DEFAULT_PENALTY_DAILY_RATE,
  daysPastDue,
  delinquencyBucket,
  installmentPayoff,
  penaltyFor,
} from './index';

const cny = (amount: string) => Money.of(amount, 'CNY');

describe('penalty interest on overdue principal', () => {
  it('defaults to 0.05% a day, rounded once', () => {
    expect(DEFAULT_PENALTY_DAILY_RATE).toBe('0.0005');
    expect(penaltyFor(cny('1000.00'), 10).toString()).toBe('5.00');
    expect(penaltyFor(cny('333.34'), 3).toString()).toBe('0.50'); // 0.50001
    expect(penaltyFor(cny('1000.00'), 10, '0.001').toString()).toBe('10.00');
    expect(penaltyFor(cny('1000.00'), 0).toString()).toBe('0.00');
  });
});

describe('installment-loan-paid-off-10-days-after-a-missed-installment', () => {
  it('is principal + billed and accrued interest + due fees + penalties', () => {
    const payoff = installmentPayoff({
      outstandingPrincipal: cny('10000.00'),
      annualRate: '0.12',
      accruedFrom: '2025-01-15',
      payoffDate: '2025-01-25',
      unpaidBilledInterest: cny('100.00'),
      dueFees: cny('5.00'),
      overdue: [{ dueDate: '2025-01-15', principal: cny('800.00') }],
    });
    // 10,000 × 12% × 10 / 365 = 32.876… → 32.88; penalty 800 × 0.0005 × 10 = 4.00
    expect(payoff.accruedDays).toBe(10);
    expect(payoff.accruedInterest.toString()).toBe('32.88');
    expect(payoff.interest.toString()).toBe('132.88');
    expect(payoff.penalty.toString()).toBe('4.00');
    expect(payoff.fee.toString()).toBe('5.00');
    expect(payoff.total.toString()).toBe('10141.88');
  });

  it('charges no future interest when paid off on the due date itself', () => {
    const payoff = installmentPayoff({
      outstandingPrincipal: cny('5000.00'),
      annualRate: '0.12',
      accruedFrom: '2025-02-15',
      payoffDate: '2025-02-15',
    });
    expect(payoff.total.toString()).toBe('5000.00');
  });

  it('rejects a payoff date before the accrual start', () => {
    expect(() =>
      installmentPayoff({
        outstandingPrincipal: cny('5000.00'),
        annualRate: '0.12',
        accruedFrom: '2025-02-15',
        payoffDate: '2025-02-14',
      }),
    ).toThrow('LENDING.INVALID_DATE');
  });
});

describe('delinquency', () => {
  it('counts days past the oldest unpaid due date', () => {
    expect(daysPastDue('2025-03-09', '2025-03-09')).toBe(0);
    expect(daysPastDue('2025-03-09', '2025-03-10')).toBe(1);
    expect(daysPastDue('2025-03-09', '2025-03-01')).toBe(0);
    expect(daysPastDue(null, '2025-03-01')).toBe(0);
    expect(daysPastDue('2024-12-31', '2025-03-31')).toBe(90);
  });

  it('buckets dpd: current, 1-30, 31-60, 61-90, 90+', () => {
    expect([0, 1, 30, 31, 60, 61, 90, 91, 400].map(delinquencyBucket)).toEqual([
      'current',
      '1-30',
      '1-30',
      '31-60',
      '31-60',
      '61-90',
      '61-90',
      '90+',
      '90+',
    ]);
    expect(() => delinquencyBucket(-1)).toThrow('LENDING.INVALID_ARGUMENT');
  });
});
