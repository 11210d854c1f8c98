import type { EntityManager } from 'typeorm';
import type { LoanProduct, LoanTerms } from '@credit/contracts';
import type { DelinquencyBucket } from '@credit/lending-math';
import { Money } from '@credit/money';
import type { InstallmentState, LoanState, LoanStatus } from '../domain/loan';

interface LoanRow {
  id: string;
  customer_id: string;
  line_id: string | null;
  product: LoanProduct;
  currency: string;
  principal: string;
  terms: LoanTerms;
  apr: string;
  status: LoanStatus;
  interest_accrued: string;
  interest_paid: string;
  fee_charged: string;
  fee_paid: string;
  penalty_accrued: string;
  penalty_paid: string;
  principal_paid: string;
  customer_credit: string;
  processed_through: string;
  days_past_due: number;
  delinquency_bucket: DelinquencyBucket;
  closed_on: string | null;
}

interface InstallmentRow {
  period: number;
  due_date: string;
  principal_due: string;
  interest_due: string;
  fee_due: string;
  principal_paid: string;
  interest_paid: string;
  fee_paid: string;
  fee_charged: boolean;
  paid_on: string | null;
}

// Dates travel as text (to_char) so no time zone can shift a business date.
const LoanColumns = `id, customer_id, line_id, product, currency, principal::text, terms, apr, status,
  interest_accrued::text, interest_paid::text, fee_charged::text, fee_paid::text, penalty_accrued::text,
  penalty_paid::text, principal_paid::text, customer_credit::text,
  to_char(processed_through, 'YYYY-MM-DD') AS processed_through, days_past_due, delinquency_bucket,
  to_char(closed_on, 'YYYY-MM-DD') AS closed_on`;

const InstallmentColumns = `period, to_char(due_date, 'YYYY-MM-DD') AS due_date, principal_due::text, interest_due::text,
  fee_due::text, principal_paid::text, interest_paid::text, fee_paid::text, fee_charged,
  to_char(paid_on, 'YYYY-MM-DD') AS paid_on`;

/** Reads and writes loans with their installments. Locking is the caller's choice. */
export class LoanStore {
  async find(manager: EntityManager, id: string, lock: boolean): Promise<LoanState | undefined> {
    const [row] = await manager.query<LoanRow[]>(
      `SELECT ${LoanColumns} FROM loans WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    if (!row) return undefined;
    const installments = await manager.query<InstallmentRow[]>(
      `SELECT ${InstallmentColumns} FROM installments WHERE loan_id = $1 ORDER BY period`,
      [id],
    );
    const money = (value: string) => Money.of(value, row.currency);
    return {
      id: row.id,
      customerId: row.customer_id,
      lineId: row.line_id,
      product: row.product,
      currency: row.currency,
      principal: money(row.principal),
      terms: row.terms,
      apr: row.apr,
      status: row.status,
      interestAccrued: money(row.interest_accrued),
      interestPaid: money(row.interest_paid),
      feeCharged: money(row.fee_charged),
      feePaid: money(row.fee_paid),
      penaltyAccrued: money(row.penalty_accrued),
      penaltyPaid: money(row.penalty_paid),
      principalPaid: money(row.principal_paid),
      customerCredit: money(row.customer_credit),
      processedThrough: row.processed_through,
      daysPastDue: row.days_past_due,
      delinquencyBucket: row.delinquency_bucket,
      closedOn: row.closed_on,
      installments: installments.map((i): InstallmentState => ({
        period: i.period,
        dueDate: i.due_date,
        principalDue: money(i.principal_due),
        interestDue: money(i.interest_due),
        feeDue: money(i.fee_due),
        principalPaid: money(i.principal_paid),
        interestPaid: money(i.interest_paid),
        feePaid: money(i.fee_paid),
        feeCharged: i.fee_charged,
        paidOn: i.paid_on,
      })),
    };
  }

  /** Each loan's receivables (what is still owed by component), in id order after `cursor`. */
  receivablesPage(
    manager: EntityManager,
    cursor: string | null,
    limit: number,
  ): Promise<
    {
      id: string;
      status: string;
      currency: string;
      principal: string;
      interest: string;
      fee: string;
      penalty: string;
    }[]
  > {
    return manager.query(
      `SELECT id, status, currency,
              (principal - principal_paid)::text AS principal, (interest_accrued - interest_paid)::text AS interest,
              (fee_charged - fee_paid)::text AS fee, (penalty_accrued - penalty_paid)::text AS penalty
         FROM loans WHERE ($1::text IS NULL OR id > $1) ORDER BY id LIMIT $2`,
      [cursor, limit],
    );
  }

  /** Principal outstanding of a line's active loans (only `customerId`'s when given), per currency, with the number of loans. */
  lineDrawn(
    manager: EntityManager,
    lineId: string,
    customerId: string | undefined,
  ): Promise<{ currency: string; outstanding: string; loans: number }[]> {
    return manager.query<{ currency: string; outstanding: string; loans: number }[]>(
      `SELECT currency, sum(principal - principal_paid)::text AS outstanding, count(*)::int AS loans
         FROM loans WHERE line_id = $1 AND status = 'active' AND ($2::text IS NULL OR customer_id = $2)
        GROUP BY currency ORDER BY currency`,
      [lineId, customerId ?? null],
    );
  }

  /** Ids of active loans not yet closed through `date`, a page at a time. */
  async dueForClose(
    manager: EntityManager,
    date: string,
    after: string | null,
    limit: number,
  ): Promise<string[]> {
    const rows = await manager.query<{ id: string }[]>(
      `SELECT id FROM loans WHERE status = 'active' AND processed_through < $1 AND ($2::text IS NULL OR id > $2)
        ORDER BY id LIMIT $3`,
      [date, after, limit],
    );
    return rows.map((r) => r.id);
  }

  async insert(manager: EntityManager, loan: LoanState, disbursedEventId: string): Promise<void> {
    await manager.query(
      `INSERT INTO loans (id, customer_id, line_id, product, currency, principal, terms, start_date, apr, status,
                          processed_through, disbursed_event_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        loan.id,
        loan.customerId,
        loan.lineId,
        loan.product,
        loan.currency,
        loan.principal.toString(),
        JSON.stringify(loan.terms),
        loan.terms.startDate,
        loan.apr,
        loan.status,
        loan.processedThrough,
        disbursedEventId,
      ],
    );
    await this.writeInstallments(manager, loan, true);
  }

  async save(manager: EntityManager, loan: LoanState): Promise<void> {
    await manager.query(
      `UPDATE loans SET version = version + 1, status = $2, interest_accrued = $3, interest_paid = $4, fee_charged = $5, fee_paid = $6,
              penalty_accrued = $7, penalty_paid = $8, principal_paid = $9, customer_credit = $10,
              processed_through = $11, days_past_due = $12, delinquency_bucket = $13, closed_on = $14
        WHERE id = $1`,
      [
        loan.id,
        loan.status,
        loan.interestAccrued.toString(),
        loan.interestPaid.toString(),
        loan.feeCharged.toString(),
        loan.feePaid.toString(),
        loan.penaltyAccrued.toString(),
        loan.penaltyPaid.toString(),
        loan.principalPaid.toString(),
        loan.customerCredit.toString(),
        loan.processedThrough,
        loan.daysPastDue,
        loan.delinquencyBucket,
        loan.closedOn,
      ],
    );
    await this.writeInstallments(manager, loan, false);
  }

  private async writeInstallments(
    manager: EntityManager,
    loan: LoanState,
    insert: boolean,
  ): Promise<void> {
    const list = loan.installments;
    const values = [
      list.map(() => loan.id),
      list.map((i) => i.period),
      list.map((i) => i.dueDate),
      list.map((i) => i.principalDue.toString()),
      list.map((i) => i.interestDue.toString()),
      list.map((i) => i.feeDue.toString()),
      list.map((i) => i.principalPaid.toString()),
      list.map((i) => i.interestPaid.toString()),
      list.map((i) => i.feePaid.toString()),
      list.map((i) => i.feeCharged),
      list.map((i) => i.paidOn),
    ];
    const source = `unnest($1::text[], $2::int[], $3::date[], $4::numeric[], $5::numeric[], $6::numeric[], $7::numeric[],
                           $8::numeric[], $9::numeric[], $10::boolean[], $11::date[])`;
    if (insert) {
      await manager.query(
        `INSERT INTO installments (loan_id, period, due_date, principal_due, interest_due, fee_due, principal_paid,
                                   interest_paid, fee_paid, fee_charged, paid_on)
         SELECT * FROM ${source}`,
        values,
      );
      return;
    }
    await manager.query(
      `UPDATE installments i SET principal_due = v.pd, interest_due = v.id, fee_due = v.fd, principal_paid = v.pp,
              interest_paid = v.ip, fee_paid = v.fp, fee_charged = v.fc, paid_on = v.po
         FROM ${source} AS v(loan_id, period, due_date, pd, id, fd, pp, ip, fp, fc, po)
        WHERE i.loan_id = v.loan_id AND i.period = v.period`,
      values,
    );
  }
}
