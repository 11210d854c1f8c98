import { PayoutStatementReconciledV1 } from '@credit/contracts';
import { eventHandler } from '@credit/messaging';
import { ReconciliationStore } from '../infrastructure/reconciliation-store';

/**
 * The disbursement service's daily payout reconciliation (the bank's statement with each line's
 * booking event, and its breaks) kept per business date, for reconciliation runs to check against
 * the journal. A later reconciliation of a date replaces an earlier one, never the reverse.
 */
export const PayoutStatementHandler = eventHandler(PayoutStatementReconciledV1, {
  name: 'ledger.payout-statements',
  handle: (event, manager) =>
    ReconciliationStore.upsertStatement(manager, event.eventId, event.payload),
});
