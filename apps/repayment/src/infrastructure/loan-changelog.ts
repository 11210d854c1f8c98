import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  BusinessDayClosedV1,
  type BusinessDayClosedV1Payload,
  LoanStateRecordedV1,
  type LoanStateRecordedV1Payload,
} from '@credit/contracts';
import type { OutboxWriter } from '@credit/messaging';

type LoanSnapshot = LoanStateRecordedV1Payload['loan'];
type InstallmentSnapshot = LoanStateRecordedV1Payload['installments'][number];
type RepaymentSnapshot = LoanStateRecordedV1Payload['repayments'][number];

/**
 * The repayment service's changelog. Each transaction that changes a loan appends the loan's whole
 * state (row, installments, repayments) with its version; each closed business date appends its
 * report. The service consumes its own changelog: live that is a no-op (the stored version is
 * already as new), but replayed into an emptied database it restores every loan, schedule,
 * repayment and closed date exactly. Money stays decimal text from NUMERIC to JSON and back.
 */
export class LoanChangelog {
  constructor(private readonly outbox: OutboxWriter) {}

  /** Appends the loan's current state; call it last in the transaction that changed the loan. */
  async record(manager: EntityManager, loanId: string): Promise<void> {
    const [row] = await manager.query<(LoanSnapshot & { id: string; version: number })[]>(
      `SELECT id, version, customer_id AS "customerId", line_id AS "lineId", product, currency,
              principal::text, terms, to_char(start_date, 'YYYY-MM-DD') AS "startDate", apr, status,
              interest_accrued::text AS "interestAccrued", interest_paid::text AS "interestPaid",
              fee_charged::text AS "feeCharged", fee_paid::text AS "feePaid",
              penalty_accrued::text AS "penaltyAccrued", penalty_paid::text AS "penaltyPaid",
              principal_paid::text AS "principalPaid", customer_credit::text AS "customerCredit",
              to_char(processed_through, 'YYYY-MM-DD') AS "processedThrough", days_past_due AS "daysPastDue",
              delinquency_bucket AS "delinquencyBucket", disbursed_event_id AS "disbursedEventId",
              to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAt",
              to_char(closed_on, 'YYYY-MM-DD') AS "closedOn"
         FROM loans WHERE id = $1`,
      [loanId],
    );
    if (!row) throw new Error(`loan ${loanId} vanished inside its own transaction`);
    const installments = await manager.query<InstallmentSnapshot[]>(
      `SELECT period, to_char(due_date, 'YYYY-MM-DD') AS "dueDate", principal_due::text AS "principalDue",
              interest_due::text AS "interestDue", fee_due::text AS "feeDue",
              principal_paid::text AS "principalPaid", interest_paid::text AS "interestPaid",
              fee_paid::text AS "feePaid", fee_charged AS "feeCharged", to_char(paid_on, 'YYYY-MM-DD') AS "paidOn"
         FROM installments WHERE loan_id = $1 ORDER BY period`,
      [loanId],
    );
    const repayments = await manager.query<RepaymentSnapshot[]>(
      `SELECT id, idempotency_key AS "idempotencyKey", request_hash AS "requestHash", amount::text,
              currency, to_char(business_date, 'YYYY-MM-DD') AS "businessDate", allocation,
              to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "receivedAt"
         FROM repayments WHERE loan_id = $1 ORDER BY received_at, id`,
      [loanId],
    );
    const { id, version, ...loan } = row;
    const payload = { loanId: id, version, loan, installments, repayments };
    await this.outbox.append(manager, {
      definition: LoanStateRecordedV1,
      key: id,
      // The recorded state names the record (a repayment on a closed loan adds one without a new
      // version): recording the same state again publishes the same id, which consumers drop.
      cause: {
        source: 'changelog',
        id: `${id}@${version}/${createHash('sha256').update(JSON.stringify(payload)).digest('hex')}`,
      },
      payload,
    });
  }

  async recordBusinessDay(manager: EntityManager, day: BusinessDayClosedV1Payload): Promise<void> {
    await this.outbox.append(manager, {
      definition: BusinessDayClosedV1,
      key: day.businessDate,
      cause: { source: 'changelog', id: day.businessDate },
      payload: day,
    });
  }

  /** Restores a recorded state unless the stored loan is already as new. True when it wrote. */
  async restore(manager: EntityManager, state: LoanStateRecordedV1Payload): Promise<boolean> {
    const [stored] = await manager.query<{ version: number }[]>(
      `SELECT version FROM loans WHERE id = $1 FOR UPDATE`,
      [state.loanId],
    );
    if (stored && stored.version >= state.version) return false;
    const l = state.loan;
    await manager.query(
      `INSERT INTO loans (id, version, customer_id, line_id, product, currency, principal, terms, start_date, apr,
                          status, interest_accrued, interest_paid, fee_charged, fee_paid, penalty_accrued,
                          penalty_paid, principal_paid, customer_credit, processed_through, days_past_due,
                          delinquency_bucket, disbursed_event_id, created_at, closed_on)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
               $22, $23, $24, $25)
       ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, status = EXCLUDED.status,
              interest_accrued = EXCLUDED.interest_accrued, interest_paid = EXCLUDED.interest_paid,
              fee_charged = EXCLUDED.fee_charged, fee_paid = EXCLUDED.fee_paid,
              penalty_accrued = EXCLUDED.penalty_accrued, penalty_paid = EXCLUDED.penalty_paid,
              principal_paid = EXCLUDED.principal_paid, customer_credit = EXCLUDED.customer_credit,
              processed_through = EXCLUDED.processed_through, days_past_due = EXCLUDED.days_past_due,
              delinquency_bucket = EXCLUDED.delinquency_bucket, closed_on = EXCLUDED.closed_on`,
      [
        state.loanId,
        state.version,
        l.customerId,
        l.lineId,
        l.product,
        l.currency,
        l.principal,
        JSON.stringify(l.terms),
        l.startDate,
        l.apr,
        l.status,
        l.interestAccrued,
        l.interestPaid,
        l.feeCharged,
        l.feePaid,
        l.penaltyAccrued,
        l.penaltyPaid,
        l.principalPaid,
        l.customerCredit,
        l.processedThrough,
        l.daysPastDue,
        l.delinquencyBucket,
        l.disbursedEventId,
        l.createdAt,
        l.closedOn,
      ],
    );
    const i = state.installments;
    await manager.query(
      `INSERT INTO installments (loan_id, period, due_date, principal_due, interest_due, fee_due, principal_paid,
                                 interest_paid, fee_paid, fee_charged, paid_on)
       SELECT $1, * FROM unnest($2::int[], $3::date[], $4::numeric[], $5::numeric[], $6::numeric[], $7::numeric[],
                                $8::numeric[], $9::numeric[], $10::boolean[], $11::date[])
       ON CONFLICT (loan_id, period) DO UPDATE SET principal_due = EXCLUDED.principal_due,
              interest_due = EXCLUDED.interest_due, fee_due = EXCLUDED.fee_due,
              principal_paid = EXCLUDED.principal_paid, interest_paid = EXCLUDED.interest_paid,
              fee_paid = EXCLUDED.fee_paid, fee_charged = EXCLUDED.fee_charged, paid_on = EXCLUDED.paid_on`,
      [
        state.loanId,
        i.map((x) => x.period),
        i.map((x) => x.dueDate),
        i.map((x) => x.principalDue),
        i.map((x) => x.interestDue),
        i.map((x) => x.feeDue),
        i.map((x) => x.principalPaid),
        i.map((x) => x.interestPaid),
        i.map((x) => x.feePaid),
        i.map((x) => x.feeCharged),
        i.map((x) => x.paidOn),
      ],
    );
    for (const r of state.repayments) {
      await manager.query(
        `INSERT INTO repayments (id, loan_id, idempotency_key, request_hash, amount, currency, business_date,
                                 allocation, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING`,
        [
          r.id,
          state.loanId,
          r.idempotencyKey,
          r.requestHash,
          r.amount,
          r.currency,
          r.businessDate,
          JSON.stringify(r.allocation),
          r.receivedAt,
        ],
      );
    }
    return true;
  }

  async restoreBusinessDay(manager: EntityManager, day: BusinessDayClosedV1Payload): Promise<void> {
    await manager.query(
      `INSERT INTO business_days (business_date, closed_at, report, actor) VALUES ($1, $2, $3, $4)
       ON CONFLICT (business_date) DO NOTHING`,
      [day.businessDate, day.closedAt, JSON.stringify(day.report), day.closedBy ?? 'unknown'],
    );
  }
}
