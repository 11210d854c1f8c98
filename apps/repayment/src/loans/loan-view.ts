import type { IsoDate } from '@credit/lending-math';
import { Money } from '@credit/money';
import { type LoanState, installmentStatus, outstanding } from '../domain/loan';

/** A loan as the API shows it on a business date: schedule with states, what is owed, delinquency. */
export function loanView(loan: LoanState, businessDate: IsoDate) {
  const owed = outstanding(loan);
  const installments = loan.installments.map((i) => {
    const status = installmentStatus(i, businessDate);
    return {
      period: i.period,
      dueDate: i.dueDate,
      principal: i.principalDue.toString(),
      interest: i.interestDue.toString(),
      fee: i.feeDue.toString(),
      total: i.principalDue.add(i.interestDue).add(i.feeDue).toString(),
      paid: {
        principal: i.principalPaid.toString(),
        interest: i.interestPaid.toString(),
        fee: i.feePaid.toString(),
      },
      status,
      paidOn: i.paidOn,
    };
  });
  const next = loan.installments.find((i) => installmentStatus(i, businessDate) !== 'paid');
  const nextDue = next
    ? {
        period: next.period,
        dueDate: next.dueDate,
        amount: next.principalDue
          .subtract(next.principalPaid)
          .add(next.interestDue.subtract(next.interestPaid))
          .add(next.feeDue.subtract(next.feePaid))
          .toString(),
      }
    : null;
  return {
    id: loan.id,
    customerId: loan.customerId,
    lineId: loan.lineId,
    product: loan.product,
    status: loan.status,
    currency: loan.currency,
    principal: loan.principal.toString(),
    apr: loan.apr,
    terms: loan.terms,
    businessDate,
    daysPastDue: loan.daysPastDue,
    delinquencyBucket: loan.delinquencyBucket,
    outstanding: {
      principal: owed.principal.toString(),
      interest: owed.interest.toString(),
      fee: owed.fee.toString(),
      penalty: owed.penalty.toString(),
      total: Money.sum(loan.currency, [
        owed.principal,
        owed.interest,
        owed.fee,
        owed.penalty,
      ]).toString(),
    },
    customerCredit: loan.customerCredit.toString(),
    closedOn: loan.closedOn,
    nextDue: loan.status === 'active' ? nextDue : null,
    installments,
  };
}
