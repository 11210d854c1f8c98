import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  LoanDisbursedV1,
  MerchantSettledV1,
  PayoutStatementReconciledV1,
  type PayoutStatementReconciledV1Payload,
} from '@credit/contracts';
import { OutboxWriter } from '@credit/messaging';
import { Money } from '@credit/money';
import { PAYMENT_RAIL } from '../disbursements/disbursements.service';
import type { PaymentRail } from '../domain/payment-rail';
import { type BookedPayout, matchStatement } from '../domain/payout-reconciliation';
import { type BookedPayoutRow, PayoutBook } from '../infrastructure/payout-book';
import { InvariantViolation } from '@credit/kernel';

export interface PayoutReconciliationReport {
  businessDate: string;
  ok: boolean;
  statementLines: number;
  breaks: PayoutStatementReconciledV1Payload['breaks'];
  /** The payout.statement-reconciled event that carried it to the ledger. */
  eventId: string;
  reconciledAt: string;
  /** Who ran the reconciliation that found these breaks (the first run when nothing changed since). */
  reconciledBy: string;
}

/**
 * The daily payout reconciliation: the bank's statement for a business date (what it paid, by
 * reference) against the payouts the platform booked, then announced on payout.statements with
 * each line's booking event, so the ledger checks the statement against its own entries in its
 * reconciliation runs. The bank is read outside any transaction; the result is recorded and
 * announced in one. The same statement and breaks again announce nothing new.
 */
@Injectable()
export class PayoutReconciliationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly book: PayoutBook,
    @Inject(PAYMENT_RAIL) private readonly rail: PaymentRail,
  ) {}

  /**
   * Reconciles the date, recording `actor` with the result; the same statement and breaks again
   * answer the recorded result, actor included, and record nothing new.
   */
  async reconcile(businessDate: string, actor: string): Promise<PayoutReconciliationReport> {
    const statement = await this.rail.statement(businessDate);
    const rows = await this.book.booked(
      this.dataSource.manager,
      businessDate,
      statement.map((l) => l.reference),
    );
    const booked: BookedPayout[] = rows.map((r) => ({
      reference: r.reference,
      amount: Money.of(r.amount, r.currency),
      bookedOn: r.booked_on,
    }));
    // A payout booked this day and missing from this statement may have been paid on another day.
    const onStatement = new Set(statement.map((l) => l.reference));
    const paidElsewhere = new Set<string>();
    for (const payout of booked) {
      if (payout.bookedOn !== businessDate || onStatement.has(payout.reference)) continue;
      if ((await this.rail.status(payout.reference)) === 'paid')
        paidElsewhere.add(payout.reference);
    }
    const breaks = matchStatement(businessDate, statement, booked, paidElsewhere).map((b) => ({
      kind: b.kind,
      reference: b.reference,
      bank: b.bank?.toJSON() ?? null,
      platform: b.platform?.toJSON() ?? null,
    }));
    const bookedBy = new Map(rows.map((r) => [r.reference, this.bookingEventId(r)]));
    const lines = statement.map((l) => ({
      reference: l.reference,
      payee: l.payee,
      amount: l.amount.toJSON(),
      paidAt: l.paidAt,
      bookedBy: bookedBy.get(l.reference) ?? null,
    }));
    const content = createHash('sha256').update(JSON.stringify({ lines, breaks })).digest('hex');
    const cause = { source: 'payout-reconciliation', id: `${businessDate}/${content}` };
    const eventId = this.outbox.causedEventId(
      cause,
      PayoutStatementReconciledV1.type,
      businessDate,
    );
    return this.dataSource.transaction(async (manager) => {
      const last = await this.book.last(manager, businessDate);
      if (last?.event_id === eventId) {
        const recorded = last.report as Omit<PayoutReconciliationReport, 'reconciledBy'>;
        return { ...recorded, reconciledBy: last.actor };
      }
      const reconciledAt = new Date().toISOString();
      const report: PayoutReconciliationReport = {
        businessDate,
        ok: breaks.length === 0,
        statementLines: lines.length,
        breaks,
        eventId,
        reconciledAt,
        reconciledBy: actor,
      };
      await this.book.save(manager, businessDate, eventId, breaks.length, report, actor);
      await this.outbox.append(manager, {
        definition: PayoutStatementReconciledV1,
        key: businessDate,
        cause,
        payload: { businessDate, lines, breaks, reconciledAt },
      });
      return report;
    });
  }

  /** Whether a business date was reconciled already (the daily task does each date once). */
  async reconciled(businessDate: string): Promise<boolean> {
    return (await this.book.last(this.dataSource.manager, businessDate)) !== undefined;
  }

  /** The id of the event that booked a payout: derived from its cause, as the payout worker's. */
  private bookingEventId(row: BookedPayoutRow): string {
    if (row.loan_id !== null)
      return this.outbox.causedEventId(
        { source: 'payout', id: row.loan_id },
        LoanDisbursedV1.type,
        row.loan_id,
      );
    if (row.settlement_id !== null && row.merchant_id !== null)
      return this.outbox.causedEventId(
        { source: 'merchant-settlement', id: row.settlement_id },
        MerchantSettledV1.type,
        row.merchant_id,
      );
    throw new InvariantViolation(`booked payout ${row.reference} has no source`);
  }
}
