import { BusinessDayClosedV1, LoanStateRecordedV1 } from '@credit/contracts';
import { eventHandler } from '@credit/messaging';
import { LoanChangelog } from '../infrastructure/loan-changelog';

/** The service's own loan changelog: restores a loan when the stored one is older (a rebuild). */
export const LoanStateRecordedHandler = eventHandler(LoanStateRecordedV1, {
  name: 'repayment.loan-state-recorded',
  service: LoanChangelog,
  handle: (event, manager, changelog) => changelog.restore(manager, event.payload),
});

/** The service's own closed business dates: restored when missing (a rebuild). */
export const BusinessDayClosedHandler = eventHandler(BusinessDayClosedV1, {
  name: 'repayment.business-day-closed',
  service: LoanChangelog,
  handle: (event, manager, changelog) => changelog.restoreBusinessDay(manager, event.payload),
});
