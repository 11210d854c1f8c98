import type { LoanStateRecordedV1Payload } from '@credit/contracts';
import { loanPositionOf } from './loan-position';

const loan = (overrides: Partial<LoanStateRecordedV1Payload['loan']>) =>
  ({
    loanId: 'L-1',
    version: 7,
    loan: {
      customerId: 'C-1',
      lineId: 'LINE-1',
      currency: 'CNY',
      status: 'active',
      principal: '1000.00',
      principalPaid: '250.5',
      interestAccrued: '12.34',
      interestPaid: '2.34',
      feeCharged: '5.00',
      feePaid: '5.00',
      penaltyAccrued: '0.51',
      penaltyPaid: '0.00',
      ...overrides,
    },
    installments: [],
    repayments: [],
  }) as unknown as LoanStateRecordedV1Payload;

describe('a loan position from the repayment changelog', () => {
  it('carries each component outstanding at the currency scale, with the version and the loan', () => {
    expect(loanPositionOf(loan({}))).toEqual({
      loanId: 'L-1',
      version: 7,
      customerId: 'C-1',
      lineId: 'LINE-1',
      currency: 'CNY',
      status: 'active',
      receivables: { principal: '749.50', interest: '10.00', fee: '0.00', penalty: '0.51' },
    });
  });

  it('carries nothing after a charge-off: the ledger has written the receivables off', () => {
    expect(loanPositionOf(loan({ status: 'charged-off' })).receivables).toEqual({
      principal: '0.00',
      interest: '0.00',
      fee: '0.00',
      penalty: '0.00',
    });
  });
});
