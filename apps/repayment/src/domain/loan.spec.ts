import type { LoanTerms } from '@credit/contracts';
import { addDays } from '@credit/lending-math';
import { Money } from '@credit/money';
import { cashLoanPricing, loanTerms, purchasePricing } from '@credit/testing';
import {
  type LoanState,
  applyRepayment,
  closeThrough,
  openLoan,
  outstanding,
  payoffAmount,
  receivePayment,
} from './loan';

const cny = (amount: string) => Money.of(amount, 'CNY');
const policy = { chargeOffDpd: 180 };

/** A buyer-paid flat-fee plan over 3 months from 2026-01-10, with `overrides`. */
function terms(overrides: Partial<LoanTerms>): LoanTerms {
  return { ...loanTerms(purchasePricing(), '2026-01-10'), feePayer: 'buyer', ...overrides };
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
    const opened = loan('10000.00', loanTerms(cashLoanPricing(6), start));
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
    const opened = loan('10000.00', loanTerms(cashLoanPricing(6), '2026-03-01'));
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
    const opened = loan('10000.00', loanTerms(cashLoanPricing(6), '2026-03-01'));
    const closed = closeThrough(opened, '2026-03-02', policy);
    const paid = applyRepayment(closed.loan, cny('20000.00'), '2026-03-02');
    expect(paid.loan.status).toBe('paid-off');
    expect(() => applyRepayment(paid.loan, cny('1.00'), '2026-03-02')).toThrow(/paid-off/);
  });

  /*
   * Day-count conventions, figures worked out by hand (HALF_EVEN to the cent). From 2025-01-15:
   * to 2025-02-01 is 17 actual days and 16 under 30/360 (30·1 + 1 − 15); to 2025-02-15 is 31
   * actual days and 30 under 30/360.
   */
  describe.each([
    // equal-principal 9,000.00 at 18 %: period 1 interest 9,000×.18×31/360 = 139.50 (ACT/360),
    // 50,220/365 = 137.589… → 137.59 (ACT/365), 9,000×.18/12 = 135.00 (30/360).
    // Earned by 1 Feb: 139.50×17/31 = 76.50; 137.59×17/31 = 75.452… → 75.45; 135.00×16/30 = 72.00.
    // Daily-interest 10,000.00 at 0.05 %/day (5.00 a day-count day): to 15 Feb 31 days = 155.00
    // (both ACT), 30 days = 150.00 (30/360); to 1 Feb 17 days = 85.00, or 16 days = 80.00.
    ['ACT/360', '139.50', '9076.50', '155.00', '10085.00'],
    ['ACT/365', '137.59', '9075.45', '155.00', '10085.00'],
    ['30/360', '135.00', '9072.00', '150.00', '10080.00'],
  ] as const)(
    'day count %s',
    (dayCount, periodInterest, amortizingPayoff, cashPeriodInterest, cashPayoff) => {
      const amortizing = () =>
        loan('9000.00', {
          method: 'equal-principal',
          annualRate: '0.18',
          feeRate: null,
          feePayer: null,
          dayCount,
          startDate: '2025-01-15',
        });
      const cash = () =>
        loan('10000.00', { ...cashLoanPricing(), dayCount, startDate: '2025-01-15' });
      const accrued = (events: { type: string; amount?: Money }[]) =>
        events
          .filter((e) => e.type === 'interest.accrued')
          .reduce((sum, e) => sum.add(e.amount ?? cny('0')), cny('0'))
          .toString();

      it('equal-principal: the period accrues its scheduled interest, paid off mid-period', () => {
        const opened = amortizing();
        expect(opened.installments[0]?.interestDue.toString()).toBe(periodInterest);
        expect(accrued(closeThrough(opened, '2025-02-15', policy).events)).toBe(periodInterest);
        const midPeriod = closeThrough(opened, '2025-02-01', policy).loan;
        expect(payoffAmount(midPeriod).toString()).toBe(amortizingPayoff);
        const paid = applyRepayment(midPeriod, cny(amortizingPayoff), '2025-02-01');
        expect([paid.payoff, paid.loan.status]).toEqual([true, 'paid-off']);
        expect(paid.allocation.overpayment.toString()).toBe('0.00');
      });

      it('daily-interest: accrues by the convention days, paid off mid-period', () => {
        const opened = cash();
        const toDue = closeThrough(opened, '2025-02-15', policy);
        expect(accrued(toDue.events)).toBe(cashPeriodInterest);
        expect(toDue.loan.installments[0]?.interestDue.toString()).toBe(cashPeriodInterest);
        const midPeriod = closeThrough(opened, '2025-02-01', policy).loan;
        expect(payoffAmount(midPeriod).toString()).toBe(cashPayoff);
      });
    },
  );

  it('30/360 earns nothing on 1 Feb (anchor the 15th) and three days on 1 Mar', () => {
    const opened = loan('10000.00', {
      ...cashLoanPricing(),
      dayCount: '30/360',
      startDate: '2025-01-15',
    });
    const jan31 = closeThrough(opened, '2025-01-31', policy);
    const feb1 = closeThrough(jan31.loan, '2025-02-01', policy);
    expect(feb1.events.filter((e) => e.type === 'interest.accrued')).toEqual([]);
    const paid = applyRepayment(
      closeThrough(feb1.loan, '2025-02-15', policy).loan,
      cny('5150.00'),
      '2025-02-15',
    );
    // 5,000.00 principal + 150.00 interest paid; 5,000 × 0.0005 = 2.50 a day afterwards:
    // 28 Feb → 1 Mar adds 3 days under 30/360 (30·1 + 1 − 15 = 16 vs 13): 7.50
    const feb28 = closeThrough(paid.loan, '2025-02-28', policy);
    const mar1 = closeThrough(feb28.loan, '2025-03-01', policy);
    expect(mar1.events.filter((e) => e.type === 'interest.accrued')).toEqual([
      { type: 'interest.accrued', businessDate: '2025-03-01', amount: cny('7.50') },
    ]);
  });
});

describe('receivePayment', () => {
  const refusal = (work: () => unknown) => {
    try {
      work();
    } catch (error) {
      return error as { code: string; kind: string; details?: unknown };
    }
    throw new Error('expected a refusal');
  };

  it('brings an active loan to the date first, then allocates by the waterfall', () => {
    const opened = loan('1000.00', {});
    const firstDue = opened.installments[0]?.dueDate ?? '';
    const outcome = receivePayment(opened, cny('341.66'), firstDue, policy);
    expect(outcome.kind).toBe('allocated');
    expect(outcome.caughtUp?.events.map((e) => e.type)).toContain('fee.charged');
    if (outcome.kind !== 'allocated') return;
    expect(outcome.result.allocation.principal.toString()).toBe('333.33');
    expect(outcome.result.allocation.fee.toString()).toBe('8.33');
  });

  it('a loan the catch-up charges off takes the payment as a recovery', () => {
    const opened = loan('1000.00', {});
    const firstDue = opened.installments[0]?.dueDate ?? '';
    const outcome = receivePayment(opened, cny('100.00'), addDays(firstDue, 181), policy);
    expect(outcome.kind).toBe('recovery');
    expect(outcome.caughtUp?.events.some((e) => e.type === 'loan.charged-off')).toBe(true);
    if (outcome.kind === 'recovery') expect(outcome.loan.status).toBe('charged-off');
    // Already charged off: no catch-up, still a recovery.
    const later = receivePayment(
      outcome.kind === 'recovery' ? outcome.loan : opened,
      cny('5.00'),
      addDays(firstDue, 190),
      policy,
    );
    expect(later).toMatchObject({ kind: 'recovery', caughtUp: null });
  });

  it('refuses a payment before the start, in another currency, or on a paid-off loan', () => {
    const opened = loan('1000.00', {});
    expect(
      refusal(() =>
        receivePayment(opened, cny('1.00'), addDays(opened.terms.startDate, -1), policy),
      ),
    ).toMatchObject({ code: 'REPAYMENT.NOT_STARTED', kind: 'conflict' });
    expect(
      refusal(() =>
        receivePayment(opened, Money.of('1.00', 'USD'), opened.terms.startDate, policy),
      ),
    ).toMatchObject({
      code: 'VALIDATION.FAILED',
      kind: 'invalid',
      details: { fields: [{ field: 'currency', problems: ['must be CNY'] }] },
    });
    const paid = receivePayment(opened, cny('1025.00'), opened.terms.startDate, policy);
    expect(paid.kind === 'allocated' && paid.result.loan.status).toBe('paid-off');
    if (paid.kind !== 'allocated') return;
    expect(
      refusal(() => receivePayment(paid.result.loan, cny('1.00'), opened.terms.startDate, policy)),
    ).toMatchObject({ code: 'REPAYMENT.LOAN_CLOSED' });
  });
});
