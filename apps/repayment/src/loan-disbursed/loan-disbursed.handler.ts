import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  type EventEnvelope,
  LoanDisbursedV1,
  type LoanDisbursedV1Payload,
} from '@credit/contracts';
import type { EventHandler } from '@credit/messaging';
import { LoansService } from '../loans/loans.service';

/** loan.disbursed → the loan and its schedule (schedule.created), once per event. */
@Injectable()
export class LoanDisbursedHandler implements EventHandler<LoanDisbursedV1Payload> {
  readonly name = 'repayment.loan-disbursed';
  readonly definition = LoanDisbursedV1;

  constructor(private readonly loans: LoansService) {}

  async handle(
    event: EventEnvelope<LoanDisbursedV1Payload>,
    manager: EntityManager,
  ): Promise<void> {
    await this.loans.onDisbursed(event, manager);
  }
}
