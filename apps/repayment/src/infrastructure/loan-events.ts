import type { EntityManager } from 'typeorm';
import {
  FeeChargedV1,
  InterestAccruedV1,
  LoanChargedOffV1,
  PenaltyAccruedV1,
} from '@credit/contracts';
import type { NewEvent, OutboxWriter } from '@credit/messaging';
import type { LoanEvent, LoanState } from '../domain/loan';

/**
 * Close-of-business events as outbox events, keyed by loan so their order per loan holds. A loan's
 * day is closed once (by the daily close or by the catch-up before a repayment), so the loan and
 * the business date name each event's cause: closing the same day again (a rebuild) publishes
 * the same ids, which consumers drop.
 */
export function outboxEventsOf(loan: LoanState, events: readonly LoanEvent[]): NewEvent<unknown>[] {
  const base = { loanId: loan.id, customerId: loan.customerId };
  return events.map((event): NewEvent<unknown> => {
    const cause = { source: 'close-of-business', id: `${loan.id}/${event.businessDate}` };
    switch (event.type) {
      case 'interest.accrued':
        return {
          definition: InterestAccruedV1,
          key: loan.id,
          cause,
          payload: { ...base, businessDate: event.businessDate, amount: event.amount.toJSON() },
        };
      case 'penalty.accrued':
        return {
          definition: PenaltyAccruedV1,
          key: loan.id,
          cause,
          payload: { ...base, businessDate: event.businessDate, amount: event.amount.toJSON() },
        };
      case 'fee.charged':
        return {
          definition: FeeChargedV1,
          key: loan.id,
          cause,
          payload: {
            ...base,
            period: event.period,
            amount: event.amount.toJSON(),
            chargedAt: `${event.businessDate}T00:00:00.000Z`,
          },
        };
      case 'loan.charged-off':
        return {
          definition: LoanChargedOffV1,
          key: loan.id,
          cause,
          payload: {
            ...base,
            businessDate: event.businessDate,
            principal: event.principal.toJSON(),
            interest: event.interest.toJSON(),
            fee: event.fee.toJSON(),
            penalty: event.penalty.toJSON(),
          },
        };
    }
  });
}

export async function publishLoanEvents(
  manager: EntityManager,
  outbox: OutboxWriter,
  loan: LoanState,
  events: readonly LoanEvent[],
): Promise<void> {
  await outbox.appendMany(manager, outboxEventsOf(loan, events));
}
