import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  type EventEnvelope,
  LoanStateRecordedV1,
  type LoanStateRecordedV1Payload,
} from '@credit/contracts';
import type { EventHandler } from '@credit/messaging';
import { loanPositionOf } from '../domain/loan-position';
import { ReconciliationStore } from '../infrastructure/reconciliation-store';

/**
 * The repayment service's changelog into the ledger's loan positions, the figures reconciliation
 * checks the books against. Only a newer version is written, so a redelivery, a replay or a state
 * overtaken by a later one changes nothing.
 */
@Injectable()
export class LoanStateRecordedHandler implements EventHandler<LoanStateRecordedV1Payload> {
  readonly name = 'ledger.loan-positions';
  readonly definition = LoanStateRecordedV1;

  async handle(
    event: EventEnvelope<LoanStateRecordedV1Payload>,
    manager: EntityManager,
  ): Promise<void> {
    await ReconciliationStore.upsertPosition(manager, loanPositionOf(event.payload));
  }
}
