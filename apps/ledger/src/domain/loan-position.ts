import type { LoanStateRecordedV1Payload } from '@credit/contracts';
import { Money } from '@credit/money';

/** The loan components the ledger carries on one account per loan, and those accounts' roots. */
export const LoanComponentAccounts = {
  principal: 'assets:loans:principal',
  interest: 'assets:receivable:interest',
  fee: 'assets:receivable:fee',
  penalty: 'assets:receivable:penalty',
} as const;
export type LoanComponent = keyof typeof LoanComponentAccounts;

/**
 * What the books should carry for one loan, as of a version of the repayment service's changelog:
 * principal, interest, fee and penalty outstanding, each the ledger's debit balance of that loan's
 * account. After a charge-off every receivable is zero (the ledger has written them off).
 */
export interface LoanPosition {
  loanId: string;
  version: number;
  customerId: string;
  lineId: string | null;
  currency: string;
  status: LoanStateRecordedV1Payload['loan']['status'];
  receivables: Record<LoanComponent, string>;
}

export function loanPositionOf(state: LoanStateRecordedV1Payload): LoanPosition {
  const { loan } = state;
  const outstanding = (total: string, paid: string) =>
    loan.status === 'charged-off'
      ? Money.zero(loan.currency).toString()
      : Money.of(total, loan.currency).subtract(Money.of(paid, loan.currency)).toString();
  return {
    loanId: state.loanId,
    version: state.version,
    customerId: loan.customerId,
    lineId: loan.lineId,
    currency: loan.currency,
    status: loan.status,
    receivables: {
      principal: outstanding(loan.principal, loan.principalPaid),
      interest: outstanding(loan.interestAccrued, loan.interestPaid),
      fee: outstanding(loan.feeCharged, loan.feePaid),
      penalty: outstanding(loan.penaltyAccrued, loan.penaltyPaid),
    },
  };
}
