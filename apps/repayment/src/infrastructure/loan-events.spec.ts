import type { EntityManager } from 'typeorm';
import { OutboxWriter } from '@credit/messaging';
import { Money } from '@credit/money';
import { cashLoanPricing, loanTerms } from '@credit/testing';
import { closeThrough, openLoan } from '../domain/loan';
import { outboxEventsOf } from './loan-events';

const policy = { chargeOffDpd: 180 };
const writer = new OutboxWriter('repayment');
/** A transaction's manager as the writer sees it: only its per-transaction data. */
const transaction = () => ({ queryRunner: { data: {} } }) as unknown as EntityManager;

const cashLoan = (id: string) =>
  openLoan({
    id,
    customerId: 'C-1',
    lineId: null,
    product: 'cash-loan',
    principal: Money.of('1000.00', 'CNY'),
    terms: loanTerms(cashLoanPricing(), '2026-01-10'),
  });

/** The event ids of closing a loan's days through a date, as one close of business publishes them. */
const idsOfClosing = (loanId: string, through: string) => {
  const closed = closeThrough(cashLoan(loanId), through, policy);
  const manager = transaction();
  return outboxEventsOf(closed.loan, closed.events).map(
    (event) => writer.build(event, manager).eventId,
  );
};

describe('close-of-business events get ids derived from the loan and the business date', () => {
  it('closing the same days again (a rebuild) publishes the same ids', () => {
    const first = idsOfClosing('L-1', '2026-02-20');
    expect(first.length).toBeGreaterThan(30);
    expect(idsOfClosing('L-1', '2026-02-20')).toEqual(first);
  });

  it('every event of a close has its own id, and another loan gets other ids', () => {
    const ids = idsOfClosing('L-1', '2026-02-20');
    expect(new Set(ids).size).toBe(ids.length);
    const other = new Set(idsOfClosing('L-2', '2026-02-20'));
    expect(ids.some((id) => other.has(id))).toBe(false);
  });

  it('a day closed in two passes gets the ids of the same day closed in one', () => {
    const loan = cashLoan('L-1');
    const firstPass = closeThrough(loan, '2026-01-20', policy);
    const secondPass = closeThrough(firstPass.loan, '2026-02-20', policy);
    const split = [
      ...outboxEventsOf(firstPass.loan, firstPass.events).map(
        (e) => writer.build(e, transaction()).eventId,
      ),
      ...outboxEventsOf(secondPass.loan, secondPass.events).map(
        (e) => writer.build(e, transaction()).eventId,
      ),
    ];
    expect(split).toEqual(idsOfClosing('L-1', '2026-02-20'));
  });
});
