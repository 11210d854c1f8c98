import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  type EventEnvelope,
  PayoutStatementReconciledV1,
  type PayoutStatementReconciledV1Payload,
} from '@credit/contracts';
import type { EventHandler } from '@credit/messaging';
import { ReconciliationStore } from '../infrastructure/reconciliation-store';

/**
 * The disbursement service's daily payout reconciliation (the bank's statement with each line's
 * booking event, and its breaks) kept per business date, for reconciliation runs to check against
 * the journal. A later reconciliation of a date replaces an earlier one, never the reverse.
 */
@Injectable()
export class PayoutStatementHandler implements EventHandler<PayoutStatementReconciledV1Payload> {
  readonly name = 'ledger.payout-statements';
  readonly definition = PayoutStatementReconciledV1;

  async handle(
    event: EventEnvelope<PayoutStatementReconciledV1Payload>,
    manager: EntityManager,
  ): Promise<void> {
    await ReconciliationStore.upsertStatement(manager, event.eventId, event.payload);
  }
}
