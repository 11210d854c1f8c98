import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import {
  DisbursementFailedV1,
  type DisbursementFailedV1Payload,
  type EventEnvelope,
  LoanDisbursedV1,
  type LoanDisbursedV1Payload,
  RepaymentAllocatedV1,
  type RepaymentAllocatedV1Payload,
} from '@credit/contracts';
import type { EventHandler } from '@credit/messaging';
import { Money } from '@credit/money';
import { LOGGER } from '@credit/platform';
import { type LineEvent, applyMovement, exposureMovementOf } from '../domain/line-exposure';
import { DecisionStore } from '../infrastructure/decision-store';

/** The inbox key of every line-exposure handler: each event moves a line once. */
export const LineExposureHandlerName = 'scoring.line-exposure';

/** A movement that cannot apply (a figure would go below zero): retrying cannot help. */
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
 * movement and a decision on the same line follow one another. A loan on no line, or on a line
 * this service did not approve, moves nothing.
 */
@Injectable()
export class LineExposureService {
  constructor(
    private readonly store: DecisionStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async apply(event: LineEvent, manager: EntityManager): Promise<void> {
    const movement = exposureMovementOf(event);
    if (!movement) return;
    const line = await this.store.lockLine(manager, null, movement.lineId);
    if (!line) {
      this.logger.debug({ lineId: movement.lineId, loanId: event.loanId }, 'not a line of ours');
      return;
    }
    const next = applyMovement(line, movement);
    if (!next.ok) throw new LineExposureRejected(next.reason);
    await this.store.saveExposure(manager, movement.lineId, next.line);
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
    const { loanId, lineId, principal } = event.payload;
    await this.exposure.apply(
      { type: 'disbursement.failed', loanId, lineId, principal: Money.fromJSON(principal) },
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
