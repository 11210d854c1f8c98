import type { EntityManager } from 'typeorm';
import {
  type EventDefinition,
  FeeChargedV1,
  InterestAccruedV1,
  LoanChargedOffV1,
  type PayloadOf,
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
    const of = <D extends EventDefinition>(definition: D, payload: PayloadOf<D>) => ({
      definition,
      key: loan.id,
      cause: { source: 'close-of-business', id: `${loan.id}/${event.businessDate}` },
      payload,
    });
    switch (event.type) {
      case 'interest.accrued':
      case 'penalty.accrued':
        return of(event.type === 'interest.accrued' ? InterestAccruedV1 : PenaltyAccruedV1, {
          ...base,
          businessDate: event.businessDate,
          amount: event.amount.toJSON(),
        });
      case 'fee.charged':
        return of(FeeChargedV1, {
          ...base,
          period: event.period,
          amount: event.amount.toJSON(),
          chargedAt: `${event.businessDate}T00:00:00.000Z`,
        });
      case 'loan.charged-off':
        return of(LoanChargedOffV1, {
          ...base,
          businessDate: event.businessDate,
          principal: event.principal.toJSON(),
          interest: event.interest.toJSON(),
          fee: event.fee.toJSON(),
          penalty: event.penalty.toJSON(),
        });
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
