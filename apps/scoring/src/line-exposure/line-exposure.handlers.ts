import { Injectable, type Type } from '@nestjs/common';
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
import { type EventHandler, sharedNameHandlers } from '@credit/messaging';
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

/** The events of the loan stream that move a line, and what each says of it. */
export const LineExposureEvents = [
  LoanCreatedV1,
  LoanDisbursedV1,
  DisbursementFailedV1,
  RepaymentAllocatedV1,
] as const;

/**
 * The line event an envelope of the loan stream carries. The consumer validated the payload
 * against the envelope's definition, so the type names the payload's shape.
 */
export function lineEventOf(event: EventEnvelope): LineEvent {
  switch (event.type) {
    case LoanCreatedV1.type: {
      const { applicationId, loanId, lineId, principal } = event.payload as LoanCreatedV1Payload;
      const money = Money.fromJSON(principal);
      return { type: 'loan.created', applicationId, loanId, lineId, principal: money };
    }
    case LoanDisbursedV1.type: {
      const { loanId, lineId, principal } = event.payload as LoanDisbursedV1Payload;
      return { type: 'loan.disbursed', loanId, lineId, principal: Money.fromJSON(principal) };
    }
    case DisbursementFailedV1.type: {
      const { applicationId, loanId, lineId, principal } =
        event.payload as DisbursementFailedV1Payload;
      const money = Money.fromJSON(principal);
      return { type: 'disbursement.failed', applicationId, loanId, lineId, principal: money };
    }
    case RepaymentAllocatedV1.type: {
      const { loanId, lineId, allocation } = event.payload as RepaymentAllocatedV1Payload;
      const principal = Money.fromJSON(allocation.principal);
      return { type: 'repayment.allocated', loanId, lineId, principal };
    }
    default:
      throw new LineExposureRejected(`${event.type} does not move a line`);
  }
}

/**
 * Keeps each line's exposure current from the loan stream, in the consumer's transaction with the
 * events' inbox rows (a redelivery or a replay moves nothing twice). The lines' rows are locked,
 * so a movement and a decision on the same line follow one another. A loan on no line moves
 * nothing; a line whose approval this service has not read yet is kept without a limit until it is.
 */
@Injectable()
export class LineExposureService {
  constructor(private readonly store: DecisionStore) {}

  /**
   * Applies events in their order. Every line they touch is locked first, in line-id order:
   * groups of events applied at once on several partitions lock the same lines in the same order,
   * so they wait for one another instead of deadlocking.
   */
  async apply(events: readonly LineEvent[], manager: EntityManager): Promise<void> {
    const currencyOfLine = new Map<string, string>();
    for (const { lineId, principal } of events) {
      if (lineId !== null && !currencyOfLine.has(lineId)) {
        currencyOfLine.set(lineId, principal.currency);
      }
    }
    const lines = new Map<string, { readonly currency: string; outstanding: Money }>();
    for (const [lineId, currency] of [...currencyOfLine].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const line = await this.store.lockLineForEvent(manager, lineId, currency);
      lines.set(lineId, { currency: line.currency, outstanding: line.principalOutstanding });
    }
    const moved = new Set<string>();
    for (const event of events) {
      const line = event.lineId === null ? undefined : lines.get(event.lineId);
      if (event.lineId === null || !line) continue;
      const draw =
        event.type === 'repayment.allocated'
          ? undefined
          : await this.store.findDraw(
              manager,
              event.lineId,
              event.type === 'loan.disbursed'
                ? { loanId: event.loanId }
                : { applicationId: event.applicationId },
              line.currency,
            );
      const change = lineChangeOf(event, draw, line.outstanding);
      if (!change.ok) throw new LineExposureRejected(`line ${event.lineId}: ${change.reason}`);
      if (change.draw) await this.store.saveDraw(manager, event.lineId, change.draw);
      if (!change.principalOutstanding.equals(line.outstanding)) {
        line.outstanding = change.principalOutstanding;
        moved.add(event.lineId);
      }
    }
    for (const lineId of moved) {
      const line = lines.get(lineId);
      if (line) await this.store.saveOutstanding(manager, lineId, line.outstanding);
    }
  }
}

/**
 * One handler class per event of the loan stream that moves a line; all share one inbox key, so a
 * group of such events is applied by one call (its lines locked once, in order).
 */
export const lineExposureHandlers: readonly Type<EventHandler>[] = sharedNameHandlers(
  LineExposureEvents,
  {
    name: LineExposureHandlerName,
    label: 'LineExposure',
    service: LineExposureService,
    handle: (event, manager, exposure) => exposure.apply([lineEventOf(event)], manager),
    handleMany: (events, manager, exposure) => exposure.apply(events.map(lineEventOf), manager),
  },
);
