import { LoanDisbursedV1 } from '@credit/contracts';
import { eventHandler } from '@credit/messaging';
import { LoansService } from '../loans/loans.service';

/** loan.disbursed → the loan and its schedule (schedule.created), once per event. */
export const LoanDisbursedHandler = eventHandler(LoanDisbursedV1, {
  name: 'repayment.loan-disbursed',
  service: LoansService,
  handle: (event, manager, loans) => loans.onDisbursed(event, manager),
});
