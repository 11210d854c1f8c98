import type { LoanStateRecordedV1Payload } from '@credit/contracts';
import { compareIsoDates } from '@credit/lending-math';
import { Money } from '@credit/money';

/** One loan as of the business date its servicing has been processed through. */
export interface LoanSnapshot {
  readonly loanId: string;
  readonly version: number;
  readonly asOf: string;
  readonly customerId: string;
  readonly lineId: string | null;
  readonly product: string;
  readonly currency: string;
  readonly principal: string;
  readonly startDate: string;
  readonly status: 'active' | 'paid-off' | 'charged-off';
  readonly daysPastDue: number;
  readonly outstanding: {
    readonly principal: string;
    readonly interest: string;
    readonly fee: string;
    readonly penalty: string;
  };
  /** The first installment is due and not paid in full (on the snapshot's date). */
  readonly firstInstallmentMissed: boolean;
  /** The last installment's due date: where the loan's remaining life ends. */
  readonly maturityDate: string;
}

/**
 * What the portfolio keeps of a loan's changelog record: its outstanding by component (zero once
 * charged off: written off), days past due and status on the date it was processed through.
 */
export function loanSnapshotOf(state: LoanStateRecordedV1Payload): LoanSnapshot {
  const { loan, installments } = state;
  const owed = (total: string, paid: string) =>
    loan.status === 'charged-off'
      ? Money.zero(loan.currency).toString()
      : Money.of(total, loan.currency).subtract(Money.of(paid, loan.currency)).toString();
  const first = installments.find((i) => i.period === 1);
  const firstMissed =
    first !== undefined &&
    compareIsoDates(first.dueDate, loan.processedThrough) < 0 &&
    (first.paidOn === null || compareIsoDates(first.paidOn, first.dueDate) > 0);
  const maturity = installments.reduce(
    (last, i) => (compareIsoDates(i.dueDate, last) > 0 ? i.dueDate : last),
    loan.startDate,
  );
  return {
    loanId: state.loanId,
    version: state.version,
    asOf: loan.processedThrough,
    customerId: loan.customerId,
    lineId: loan.lineId,
    product: loan.product,
    currency: loan.currency,
    principal: loan.principal,
    startDate: loan.startDate,
    status: loan.status,
    daysPastDue: loan.daysPastDue,
    outstanding: {
      principal: owed(loan.principal, loan.principalPaid),
      interest: owed(loan.interestAccrued, loan.interestPaid),
      fee: owed(loan.feeCharged, loan.feePaid),
      penalty: owed(loan.penaltyAccrued, loan.penaltyPaid),
    },
    firstInstallmentMissed: firstMissed,
    maturityDate: maturity,
  };
}
