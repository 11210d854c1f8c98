import type { EntityManager } from 'typeorm';
import type { DrawPricing, LoanProduct } from '@credit/contracts';
import { Money } from '@credit/money';
import type { Payout, PayoutState } from '../domain/payout';

/** A disbursements row as PostgreSQL answers it. */
export interface DisbursementRow {
  loan_id: string;
  application_id: string;
  customer_id: string;
  line_id: string | null;
  product: LoanProduct;
  currency: string;
  principal: string;
  merchant_id: string | null;
  merchant_fee: string | null;
  pricing: DrawPricing;
  state: PayoutState;
  attempts: number;
  last_error: string | null;
  start_date: string | null;
  created_at: Date;
  disbursed_at: Date | null;
  settlement_id: string | null;
  line_hold_id: string | null;
  payout_reference: string | null;
}

export interface SettlementRow {
  settlement_id: string;
  merchant_id: string;
  business_date: string;
  amount: string;
  currency: string;
  loans: number;
  /** Who opened it (the settlement batch's caller). */
  opened_by: string;
}

export interface HistoryRow {
  state: string;
  detail: string | null;
  at: Date;
}

const Columns = `loan_id, application_id, customer_id, line_id, product, currency, principal::text, merchant_id,
  merchant_fee::text, pricing, state, attempts, last_error, to_char(start_date, 'YYYY-MM-DD') AS start_date,
  created_at, disbursed_at, settlement_id, line_hold_id, payout_reference`;

/** Open payouts (a worker may claim them): see OpenPayoutStates. */
const Open = `state IN ('paying', 'unconfirmed')`;

/** The domain's view of a row. */
export function payoutOf(row: DisbursementRow): Payout {
  return {
    loanId: row.loan_id,
    applicationId: row.application_id,
    customerId: row.customer_id,
    lineId: row.line_id,
    product: row.product,
    principal: Money.of(row.principal, row.currency),
    merchantId: row.merchant_id,
    merchantFee: row.merchant_fee === null ? null : Money.of(row.merchant_fee, row.currency),
    pricing: row.pricing,
    state: row.state,
    attempts: row.attempts,
    lineHoldId: row.line_hold_id,
    payoutReference: row.payout_reference,
  };
}

/** The disbursement service's SQL: disbursements, their history and attempts, settlements. */
export class DisbursementStore {
  async existsForApplication(manager: EntityManager, applicationId: string): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `SELECT 1 FROM disbursements WHERE application_id = $1`,
      [applicationId],
    );
    return rows.length > 0;
  }

  async insertCreated(manager: EntityManager, payout: Payout): Promise<void> {
    await manager.query(
      `INSERT INTO disbursements (loan_id, application_id, customer_id, line_id, product, currency, principal,
                                  merchant_id, merchant_fee, pricing, state)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'created')`,
      [
        payout.loanId,
        payout.applicationId,
        payout.customerId,
        payout.lineId,
        payout.product,
        payout.principal.currency,
        payout.principal.toString(),
        payout.merchantId,
        payout.merchantFee?.toString() ?? null,
        JSON.stringify(payout.pricing),
      ],
    );
  }

  async markPaying(manager: EntityManager, loanId: string): Promise<void> {
    await manager.query(`UPDATE disbursements SET state = 'paying' WHERE loan_id = $1`, [loanId]);
  }

  async appendHistory(manager: EntityManager, loanId: string, state: string, detail: string) {
    await manager.query(
      `INSERT INTO disbursement_history (loan_id, state, detail) VALUES ($1, $2, $3)`,
      [loanId, state, detail],
    );
  }

  async lock(manager: EntityManager, loanId: string): Promise<DisbursementRow | undefined> {
    const [row] = await manager.query<DisbursementRow[]>(
      `SELECT ${Columns} FROM disbursements WHERE loan_id = $1 FOR UPDATE`,
      [loanId],
    );
    return row;
  }

  async find(manager: EntityManager, loanId: string): Promise<DisbursementRow | undefined> {
    const [row] = await manager.query<DisbursementRow[]>(
      `SELECT ${Columns} FROM disbursements WHERE loan_id = $1`,
      [loanId],
    );
    return row;
  }

  history(manager: EntityManager, loanId: string): Promise<HistoryRow[]> {
    return manager.query<HistoryRow[]>(
      `SELECT state, detail, at FROM disbursement_history WHERE loan_id = $1 ORDER BY seq`,
      [loanId],
    );
  }

  /** Milliseconds until the next open payout falls due (null: none open). */
  async nextDueInMs(manager: EntityManager): Promise<number | null> {
    const [next] = await manager.query<{ ms: string | null }[]>(
      `SELECT ceil(extract(epoch FROM min(next_attempt_at) - now()) * 1000)::text AS ms
         FROM disbursements WHERE ${Open}`,
    );
    return next?.ms == null ? null : Math.max(0, Number(next.ms));
  }

  /**
   * Claims the next due payout for `leaseMs` (attempts + 1, an attempt record); undefined when
   * none is due. SKIP LOCKED: concurrent claimers never take the same payout.
   */
  async claimNextDue(
    manager: EntityManager,
    instanceId: string,
    leaseMs: number,
  ): Promise<DisbursementRow | undefined> {
    const [row] = await manager.query<DisbursementRow[]>(
      // (A data-modifying CTE: typeorm answers a bare UPDATE ... RETURNING as [rows, count].)
      `WITH claimed AS (
         UPDATE disbursements
            SET attempts = attempts + 1, claimed_by = $1,
                next_attempt_at = now() + $2 * interval '1 millisecond'
          WHERE loan_id = (SELECT loan_id FROM disbursements
                            WHERE ${Open} AND next_attempt_at <= now()
                            ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED)
          RETURNING *)
       SELECT ${Columns} FROM claimed`,
      [instanceId, leaseMs],
    );
    if (!row) return undefined;
    await manager.query(
      `INSERT INTO payout_attempts (loan_id, attempt, instance) VALUES ($1, $2, $3)`,
      [row.loan_id, row.attempts, instanceId],
    );
    return row;
  }

  /** The payout locked if it is still open and still at `attempt` (the claim is this attempt's). */
  async lockClaimed(
    manager: EntityManager,
    loanId: string,
    attempt: number,
  ): Promise<DisbursementRow | undefined> {
    const [row] = await manager.query<DisbursementRow[]>(
      `SELECT ${Columns} FROM disbursements
        WHERE loan_id = $1 AND ${Open} AND attempts = $2 FOR UPDATE`,
      [loanId, attempt],
    );
    return row;
  }

  async finishAttempt(
    manager: EntityManager,
    loanId: string,
    attempt: number,
    outcome: string,
    detail: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE payout_attempts SET finished_at = now(), outcome = $3, detail = $4
        WHERE loan_id = $1 AND attempt = $2`,
      [loanId, attempt, outcome, detail.slice(0, 2000)],
    );
  }

  async releaseClaim(manager: EntityManager, loanId: string): Promise<void> {
    await manager.query(`UPDATE disbursements SET claimed_by = NULL WHERE loan_id = $1`, [loanId]);
  }

  /** Keeps the line hold's id on a payout still claimed by `attempt`; false if the claim was lost. */
  async keepHold(
    manager: EntityManager,
    loanId: string,
    attempt: number,
    holdId: string,
  ): Promise<boolean> {
    const updated = await manager.query<unknown[]>(
      `WITH kept AS (UPDATE disbursements SET line_hold_id = $3
                       WHERE loan_id = $1 AND ${Open} AND attempts = $2
                       RETURNING 1)
       SELECT * FROM kept`,
      [loanId, attempt, holdId],
    );
    return updated.length > 0;
  }

  async scheduleRetry(manager: EntityManager, loanId: string, note: string, delayMs: number) {
    await manager.query(
      `UPDATE disbursements SET last_error = $2, next_attempt_at = now() + $3 * interval '1 millisecond'
        WHERE loan_id = $1`,
      [loanId, note, delayMs],
    );
  }

  async markUnconfirmed(
    manager: EntityManager,
    loanId: string,
    reference: string,
    note: string,
    delayMs: number,
  ): Promise<void> {
    await manager.query(
      `UPDATE disbursements SET state = 'unconfirmed', payout_reference = $2, last_error = $3,
              next_attempt_at = now() + $4 * interval '1 millisecond'
        WHERE loan_id = $1`,
      [loanId, reference, note, delayMs],
    );
  }

  async markDisbursed(
    manager: EntityManager,
    payout: Payout,
    startDate: string,
    disbursedAt: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE disbursements SET state = 'disbursed', attempts = $2, start_date = $3, disbursed_at = $4,
              last_error = NULL, payout_reference = $5
        WHERE loan_id = $1`,
      [payout.loanId, payout.attempts, startDate, disbursedAt, payout.payoutReference],
    );
  }

  async markFailed(manager: EntityManager, payout: Payout, reason: string): Promise<void> {
    await manager.query(
      `UPDATE disbursements SET state = 'failed', last_error = $2, payout_reference = $3
        WHERE loan_id = $1`,
      [payout.loanId, reason, payout.payoutReference],
    );
  }

  /** Merchants with disbursed, unsettled installment purchases started on or before the date. */
  merchantsToSettle(
    manager: EntityManager,
    businessDate: string,
    limit: number,
  ): Promise<{ merchant_id: string; currency: string }[]> {
    return manager.query<{ merchant_id: string; currency: string }[]>(
      `SELECT DISTINCT merchant_id, currency FROM disbursements
        WHERE product = 'installment-purchase' AND state = 'disbursed' AND settlement_id IS NULL
          AND start_date <= $1 ORDER BY merchant_id LIMIT $2`,
      [businessDate, limit],
    );
  }

  /** A merchant's unsettled purchases of a currency up to the date, locked. */
  async lockUnsettled(
    manager: EntityManager,
    merchantId: string,
    currency: string,
    businessDate: string,
  ): Promise<{ loanId: string; principal: Money; merchantFee: Money | null }[]> {
    const rows = await manager.query<
      { loan_id: string; principal: string; merchant_fee: string | null }[]
    >(
      `SELECT loan_id, principal::text, merchant_fee::text FROM disbursements
        WHERE product = 'installment-purchase' AND state = 'disbursed' AND settlement_id IS NULL
          AND merchant_id = $1 AND currency = $2 AND start_date <= $3
        FOR UPDATE`,
      [merchantId, currency, businessDate],
    );
    return rows.map((row) => ({
      loanId: row.loan_id,
      principal: Money.of(row.principal, currency),
      merchantFee: row.merchant_fee === null ? null : Money.of(row.merchant_fee, currency),
    }));
  }

  /**
   * Records a settlement `paying` and assigns its loans; false (nothing written) when the merchant
   * and date have one already.
   */
  async openSettlement(
    manager: EntityManager,
    settlement: Omit<SettlementRow, 'loans'>,
    loanIds: readonly string[],
  ): Promise<boolean> {
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO merchant_settlements (settlement_id, merchant_id, business_date, amount, currency, loans, status, opened_by)
       VALUES ($1, $2, $3, $4, $5, $6, 'paying', $7) ON CONFLICT DO NOTHING RETURNING 1`,
      [
        settlement.settlement_id,
        settlement.merchant_id,
        settlement.business_date,
        settlement.amount,
        settlement.currency,
        loanIds.length,
        settlement.opened_by,
      ],
    );
    if (inserted.length === 0) return false;
    await manager.query(`UPDATE disbursements SET settlement_id = $2 WHERE loan_id = ANY($1)`, [
      loanIds,
      settlement.settlement_id,
    ]);
    return true;
  }

  openSettlements(manager: EntityManager, limit: number): Promise<SettlementRow[]> {
    return manager.query<SettlementRow[]>(
      `SELECT settlement_id, merchant_id, to_char(business_date, 'YYYY-MM-DD') AS business_date,
              amount::text, currency, loans, opened_by
         FROM merchant_settlements WHERE status = 'paying' ORDER BY settlement_id LIMIT $1`,
      [limit],
    );
  }

  /** Marks a `paying` settlement paid by `actor`; false if it was not `paying` any more. */
  async markSettlementPaid(
    manager: EntityManager,
    settlementId: string,
    actor: string,
  ): Promise<boolean> {
    const marked = await manager.query<unknown[]>(
      `WITH marked AS (UPDATE merchant_settlements SET status = 'paid', paid_by = $2
                         WHERE settlement_id = $1 AND status = 'paying' RETURNING 1)
       SELECT * FROM marked`,
      [settlementId, actor],
    );
    return marked.length > 0;
  }
}
