import { LoanStateRecordedV1 } from '@credit/contracts';
import { eventHandler } from '@credit/messaging';
import { loanPositionOf } from '../domain/loan-position';
import { ReconciliationStore } from '../infrastructure/reconciliation-store';

/**
 * The repayment service's changelog into the ledger's loan positions, the figures reconciliation
 * checks the books against. Only a newer version is written, so a redelivery, a replay or a state
 * overtaken by a later one changes nothing.
 */
export const LoanStateRecordedHandler = eventHandler(LoanStateRecordedV1, {
  name: 'ledger.loan-positions',
  handle: (event, manager) =>
    ReconciliationStore.upsertPosition(manager, loanPositionOf(event.payload)),
});
