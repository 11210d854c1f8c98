import type { LoanTerms } from '@credit/contracts';
import { addDays } from '@credit/lending-math';
import { Money } from '@credit/money';
import {
  type LoanState,
  applyRepayment,
  closeThrough,
  openLoan,
  outstanding,
  payoffAmount,
} from './loan';

const cny = (amount: string) => Money.of(amount, 'CNY');
const policy = { chargeOffDpd: 180 };

function terms(overrides: Partial<LoanTerms>): LoanTerms {
  return {
    method: 'flat-fee',
    periods: 3,
    annualRate: null,
    dailyRate: null,
    feeRate: '0.025',
    feePayer: 'buyer',
    dayCount: 'ACT/365',
    penaltyDailyRate: '0.0005',
    startDate: '2026-01-10',
    ...overrides,
  };
}

function loan(principal: string, t: Partial<LoanTerms>): LoanState {
  const product = t.method === 'daily-interest' ? 'cash-loan' : 'installment-purchase';
  return openLoan({
    id: 'L-1',
    customerId: 'C-1',
    lineId: null,
    product,
    principal: cny(principal),
    terms: terms(t),
  });
}

describe('repayment domain', () => {
  it('installment-purchase-3-periods-paid-on-time: fee charged at each due date, nothing left at the end', () => {
    let state = loan('1000.00', {});
    const fees: string[] = [];
    const paid: string[] = [];
    for (const installment of [...state.installments]) {
      const closed = closeThrough(state, installment.dueDate, policy);
      fees.push(
        ...closed.events.filter((e) => e.type === 'fee.charged').map((e) => e.amount.toString()),
      );
      expect(closed.events.some((e) => e.type === 'penalty.accrued')).toBe(false);
      const due = installment.principalDue.add(installment.feeDue);
      const result = applyRepayment(closed.loan, due, installment.dueDate);
      paid.push(`${result.allocation.principal.toString()}+${result.allocation.fee.toString()}`);
      expect(result.allocation.overpayment.isZero()).toBe(true);
      state = result.loan;
    }
    expect(fees).toEqual(['8.33', '8.33', '8.34']);
    expect(paid).toEqual(['333.33+8.33', '333.33+8.33', '333.34+8.34']);
    expect(state.status).toBe('paid-off');
    expect(Object.values(outstanding(state)).every((m) => m.isZero())).toBe(true);
    expect(state.feePaid.toString()).toBe('25.00');
  });

  it('cash-loan-repaid-early-day-10: interest only for the ten days used, no prepayment fee', () => {
    const start = '2026-03-01';
    const opened = loan('10000.00', {
      method: 'daily-interest',
      periods: 6,
      dailyRate: '0.0005',
      feeRate: null,
      feePayer: null,
      startDate: start,
    });
    const day10 = addDays(start, 10);
    const closed = closeThrough(opened, day10, policy);
    expect(closed.events.filter((e) => e.type === 'interest.accrued')).toHaveLength(10);
    expect(payoffAmount(closed.loan).toString()).toBe('10050.00');
    const result = applyRepayment(closed.loan, cny('10050.00'), day10);
    expect(result.payoff).toBe(true);
    expect(result.allocation.interest.toString()).toBe('50.00');
    expect(result.allocation.principal.toString()).toBe('10000.00');
    expect(result.loan.status).toBe('paid-off');
  });

  it('cash-loan-partial-prepayment: interest first, then principal, and interest then runs on less', () => {
    const opened = loan('10000.00', {
      method: 'daily-interest',
      periods: 6,
      dailyRate: '0.0005',
      feeRate: null,
      feePayer: null,
      startDate: '2026-03-01',
    });
    const closed = closeThrough(opened, '2026-03-05', policy);
    const result = applyRepayment(closed.loan, cny('4020.00'), '2026-03-05');
    expect(result.allocation.interest.toString()).toBe('20.00');
    expect(result.allocation.principal.toString()).toBe('4000.00');
    const nextDay = closeThrough(result.loan, '2026-03-06', policy);
    expect(nextDay.events).toEqual([
      expect.objectContaining({ type: 'interest.accrued', amount: cny('3.00') }),
    ]);
  });

  it('loan-95-days-past-due-with-penalty: penalty accrues daily on overdue principal and the loan is 90+', () => {
    const opened = loan('1000.00', {});
    const firstDue = opened.installments[0]?.dueDate ?? '';
    const closed = closeThrough(opened, addDays(firstDue, 95), policy);
    expect(closed.loan.daysPastDue).toBe(95);
    expect(closed.loan.delinquencyBucket).toBe('90+');
    const penalties = closed.events.filter((e) => e.type === 'penalty.accrued');
    // 333.33 overdue from the day after the first due date, 666.66 after the second, 1000.00 after the third.
    expect(penalties.length).toBe(95);
    expect(closed.loan.penaltyAccrued.isPositive()).toBe(true);
    expect(closed.loan.status).toBe('active');
  });

  it('loan-charged-off-at-180-days-past-due with every receivable', () => {
    const opened = loan('1000.00', {});
    const firstDue = opened.installments[0]?.dueDate ?? '';
    const closed = closeThrough(opened, addDays(firstDue, 200), policy);
    const chargeOff = closed.events.find((e) => e.type === 'loan.charged-off');
    expect(chargeOff).toMatchObject({
      businessDate: addDays(firstDue, 180),
      principal: cny('1000.00'),
      fee: cny('25.00'),
    });
    expect(closed.loan.status).toBe('charged-off');
    expect(closed.events.filter((e) => e.businessDate > addDays(firstDue, 180))).toEqual([]);
  });

  it('overpayment-becomes-customer-credit, never lost', () => {
    const opened = loan('1000.00', {});
    const firstDue = opened.installments[0]?.dueDate ?? '';
    const closed = closeThrough(opened, firstDue, policy);
    const result = applyRepayment(closed.loan, cny('400.00'), firstDue);
    expect(result.allocation.principal.toString()).toBe('333.33');
    expect(result.allocation.fee.toString()).toBe('8.33');
    expect(result.allocation.overpayment.toString()).toBe('58.34');
    expect(result.loan.customerCredit.toString()).toBe('58.34');
  });

  it('equal-installment-accrual-sums-to-the-scheduled-interest of each period', () => {
    const opened = loan('100000.00', {
      method: 'equal-installment',
      periods: 12,
      annualRate: '0.049',
      feeRate: null,
      feePayer: null,
      startDate: '2026-01-31',
    });
    const firstDue = opened.installments[0];
    const closed = closeThrough(opened, firstDue?.dueDate ?? '', policy);
    const accrued = closed.events
      .filter((e) => e.type === 'interest.accrued')
      .reduce((sum, e) => sum.add(e.amount), cny('0'));
    expect(accrued.toString()).toBe(firstDue?.interestDue.toString());
  });

  it('refuses a repayment on a closed loan', () => {
    const opened = loan('10000.00', {
      method: 'daily-interest',
      periods: 6,
      dailyRate: '0.0005',
      feeRate: null,
      feePayer: null,
      startDate: '2026-03-01',
    });
    const closed = closeThrough(opened, '2026-03-02', policy);
    const paid = applyRepayment(closed.loan, cny('20000.00'), '2026-03-02');
    expect(paid.loan.status).toBe('paid-off');
    expect(() => applyRepayment(paid.loan, cny('1.00'), '2026-03-02')).toThrow(/paid-off/);
  });
});
