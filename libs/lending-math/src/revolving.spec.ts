import { Money } from '@credit/money';
import { type RevolvingStatementInput, revolvingStatement } from './index';

const cny = (amount: string) => Money.of(amount, 'CNY');

/** Statement closes on the 1st, due on the 9th: purchases 2025-02-02 … 2025-03-01 are billed. */
const base: RevolvingStatementInput = {
  currency: 'CNY',
  statementMonth: '2025-03',
  statementDay: 1,
  dueDay: 9,
  dailyRate: '0.0005',
  purchases: [
    { date: '2025-02-10', amount: cny('600.00') },
    { date: '2025-02-20', amount: cny('400.00') },
    { date: '2025-03-05', amount: cny('200.00') },
  ],
  repayments: [],
};

describe('revolving statement cycle', () => {
  it('bills purchases in (cycleStart, statementDate] and dates the due day after it', () => {
    const s = revolvingStatement(base);
    expect(s.cycleStart).toBe('2025-02-01');
    expect(s.statementDate).toBe('2025-03-01');
    expect(s.dueDate).toBe('2025-03-09');
    expect(s.statementBalance.toString()).toBe('1000.00');
    expect(s.billedPurchases).toHaveLength(2);
    expect(s.unbilledPurchases.map((p) => p.amount.toString())).toEqual(['200.00']);
  });

  it('a statement closing on the 25th is due on the 9th of the next month', () => {
    const s = revolvingStatement({
      ...base,
      statementDay: 25,
      purchases: [{ date: '2025-03-01', amount: cny('10.00') }],
    });
    expect(s.statementDate).toBe('2025-03-25');
    expect(s.dueDate).toBe('2025-04-09');
  });

  it('rejects a purchase from an earlier cycle', () => {
    expect(() =>
      revolvingStatement({ ...base, purchases: [{ date: '2025-02-01', amount: cny('1.00') }] }),
    ).toThrow('LENDING.INVALID_DATE');
  });
});

describe('revolving-statement-paid-in-full-on-due-date', () => {
  it('is interest-free', () => {
    const s = revolvingStatement({
      ...base,
      repayments: [{ date: '2025-03-09', amount: cny('1000.00') }],
      asOfDate: '2025-03-31',
    });
    expect(s.interestFree).toBe(true);
    expect(s.status).toBe('paid-in-full');
    expect(s.interest.toString()).toBe('0.00');
    expect(s.amountDue.toString()).toBe('0.00');
  });
});

describe('revolving-statement-part-paid-400-of-1000', () => {
  it('is open, with no interest, up to the due date', () => {
    const s = revolvingStatement({
      ...base,
      repayments: [{ date: '2025-03-09', amount: cny('400.00') }],
      asOfDate: '2025-03-09',
    });
    expect(s.status).toBe('open');
    expect(s.interest.toString()).toBe('0.00');
    expect(s.unpaidBalance.toString()).toBe('600.00');
  });

  it('accrues daily interest on the unpaid 600 only, from the day after the due date', () => {
    const s = revolvingStatement({
      ...base,
      repayments: [{ date: '2025-03-09', amount: cny('400.00') }],
      asOfDate: '2025-03-19',
    });
    // 600.00 × 0.0005 × 10 days
    expect(s.status).toBe('overdue');
    expect(s.interestFree).toBe(false);
    expect(s.interest.toString()).toBe('3.00');
    expect(s.amountDue.toString()).toBe('603.00');
  });

  it('stops accruing after a late repayment clears the balance', () => {
    const s = revolvingStatement({
      ...base,
      repayments: [
        { date: '2025-03-09', amount: cny('400.00') },
        { date: '2025-03-14', amount: cny('600.00') },
      ],
      asOfDate: '2025-03-19',
    });
    // 600.00 × 0.0005 × 5 days (Mar 10–14), then nothing
    expect(s.interest.toString()).toBe('1.50');
    expect(s.unpaidBalance.toString()).toBe('0.00');
    expect(s.amountDue.toString()).toBe('1.50');
  });

  it('reports repayments beyond the balance as a credit', () => {
    const s = revolvingStatement({
      ...base,
      repayments: [{ date: '2025-03-03', amount: cny('1050.00') }],
    });
    expect(s.interestFree).toBe(true);
    expect(s.credit.toString()).toBe('50.00');
  });
});
