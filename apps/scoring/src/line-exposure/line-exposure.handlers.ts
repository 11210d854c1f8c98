import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  DisbursementFailedV1,
  type DisbursementFailedV1Payload,
  type EventEnvelope,
  LoanCreatedV1,
  type LoanCreatedV1Payload,
  LoanDisbursedV1,
  type LoanDisbursedV1Payload,
  RepaymentAllocatedV1,
  type RepaymentAllocatedV1Payload,
} from '@credit/contracts';
import type { EventHandler } from '@credit/messaging';
import { Money } from '@credit/money';
import { type LineEvent, lineChangeOf } from '../domain/line-exposure';
import { DecisionStore } from '../infrastructure/decision-store';

/** The inbox key of every line-exposure handler: each event moves a line once. */
export const LineExposureHandlerName = 'scoring.line-exposure';

/** An event the line's figures refuse (below zero, paid out and failed): retrying cannot help. */
export class LineExposureRejected extends Error {
  readonly retriable = false;

  constructor(message: string) {
    super(message);
    this.name = 'LineExposureRejected';
  }
}

/**
 * Keeps each line's exposure current from the loan stream, in the consumer's transaction with the
 * event's inbox row (a redelivery or a replay moves nothing twice). The line's row is locked, so a
 * movement and a decision on the same line follow one another. A loan on no line moves nothing; a
 * line whose approval this service has not read yet is kept without a limit until it is.
 */
@Injectable()
export class LineExposureService {
  constructor(private readonly store: DecisionStore) {}

  async apply(event: LineEvent, manager: EntityManager): Promise<void> {
    const { lineId } = event;
    if (lineId === null) return;
    const line = await this.store.lockLineForEvent(manager, lineId, event.principal.currency);
    const draw =
      event.type === 'repayment.allocated'
        ? undefined
        : await this.store.findDraw(
            manager,
            lineId,
            event.type === 'loan.disbursed'
              ? { loanId: event.loanId }
              : { applicationId: event.applicationId },
            line.currency,
          );
    const change = lineChangeOf(event, draw, line.principalOutstanding);
    if (!change.ok) throw new LineExposureRejected(`line ${lineId}: ${change.reason}`);
    if (change.draw) await this.store.saveDraw(manager, lineId, change.draw);
    if (!change.principalOutstanding.equals(line.principalOutstanding)) {
      await this.store.saveOutstanding(manager, lineId, change.principalOutstanding);
    }
  }
}

/** loan.created: the draw's loan is named (a draw not on record is recorded in flight). */
@Injectable()
export class LoanCreatedExposureHandler implements EventHandler<LoanCreatedV1Payload> {
  readonly name = LineExposureHandlerName;
  readonly definition = LoanCreatedV1;

  constructor(private readonly exposure: LineExposureService) {}

  async handle(event: EventEnvelope<LoanCreatedV1Payload>, manager: EntityManager) {
    const { applicationId, loanId, lineId, principal } = event.payload;
    await this.exposure.apply(
      {
        type: 'loan.created',
        applicationId,
        loanId,
        lineId,
        principal: Money.fromJSON(principal),
      },
      manager,
    );
  }
}

/** loan.disbursed: the draw's principal leaves flight and is outstanding on the line. */
@Injectable()
export class LoanDisbursedExposureHandler implements EventHandler<LoanDisbursedV1Payload> {
  readonly name = LineExposureHandlerName;
  readonly definition = LoanDisbursedV1;

  constructor(private readonly exposure: LineExposureService) {}

  async handle(event: EventEnvelope<LoanDisbursedV1Payload>, manager: EntityManager) {
    const { loanId, lineId, principal } = event.payload;
    await this.exposure.apply(
      { type: 'loan.disbursed', loanId, lineId, principal: Money.fromJSON(principal) },
      manager,
    );
  }
}

/** disbursement.failed: the payout finally failed; its amount is available again. */
@Injectable()
export class DisbursementFailedExposureHandler implements EventHandler<DisbursementFailedV1Payload> {
  readonly name = LineExposureHandlerName;
  readonly definition = DisbursementFailedV1;

  constructor(private readonly exposure: LineExposureService) {}

  async handle(event: EventEnvelope<DisbursementFailedV1Payload>, manager: EntityManager) {
    const { applicationId, loanId, lineId, principal } = event.payload;
    await this.exposure.apply(
      {
        type: 'disbursement.failed',
        applicationId,
        loanId,
        lineId,
        principal: Money.fromJSON(principal),
      },
      manager,
    );
  }
}

/** repayment.allocated: the principal it allocated is available again the moment it is allocated. */
@Injectable()
export class RepaymentAllocatedExposureHandler implements EventHandler<RepaymentAllocatedV1Payload> {
  readonly name = LineExposureHandlerName;
  readonly definition = RepaymentAllocatedV1;

  constructor(private readonly exposure: LineExposureService) {}

  async handle(event: EventEnvelope<RepaymentAllocatedV1Payload>, manager: EntityManager) {
    const { loanId, lineId, allocation } = event.payload;
    await this.exposure.apply(
      {
        type: 'repayment.allocated',
        loanId,
        lineId,
        principal: Money.fromJSON(allocation.principal),
      },
      manager,
    );
  }
}
