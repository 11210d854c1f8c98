import type { EntityManager } from 'typeorm';

/** A payout the platform booked: a cash loan disbursed by the rail, or a merchant settlement paid. */
export interface BookedPayoutRow {
  reference: string;
  amount: string;
  currency: string;
  booked_on: string;
  loan_id: string | null;
  settlement_id: string | null;
  merchant_id: string | null;
}

export interface PayoutReconciliationRow {
  business_date: string;
  event_id: string;
  breaks: number;
  report: unknown;
  reconciled_at: Date;
  /** Who reconciled the date last. */
  actor: string;
}

const dayStart = (param: string) => `(${param}::date)::timestamp AT TIME ZONE 'UTC'`;
const dayEnd = (param: string) => `(${param}::date + 1)::timestamp AT TIME ZONE 'UTC'`;

/** The disbursement service's payouts as the daily reconciliation reads them, and its results. */
export class PayoutBook {
  /** Payouts booked on `businessDate` (UTC), and those with any of `references`, whatever day. */
  async booked(
    manager: EntityManager,
    businessDate: string,
    references: readonly string[],
  ): Promise<BookedPayoutRow[]> {
    return manager.query<BookedPayoutRow[]>(
      `SELECT payout_reference AS reference, principal::text AS amount, currency,
              to_char(disbursed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS booked_on,
              loan_id, NULL AS settlement_id, NULL AS merchant_id
         FROM disbursements
        WHERE product = 'cash-loan' AND state = 'disbursed' AND payout_reference IS NOT NULL
          AND ((disbursed_at >= ${dayStart('$1')} AND disbursed_at < ${dayEnd('$1')})
               OR payout_reference = ANY($2))
       UNION ALL
       SELECT 'settlement:' || settlement_id, amount::text, currency,
              to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), NULL, settlement_id, merchant_id
         FROM merchant_settlements
        WHERE status = 'paid'
          AND ((created_at >= ${dayStart('$1')} AND created_at < ${dayEnd('$1')})
               OR 'settlement:' || settlement_id = ANY($2))
       ORDER BY 1`,
      [businessDate, references],
    );
  }

  async last(
    manager: EntityManager,
    businessDate: string,
  ): Promise<PayoutReconciliationRow | undefined> {
    const [row] = await manager.query<PayoutReconciliationRow[]>(
      `SELECT to_char(business_date, 'YYYY-MM-DD') AS business_date, event_id::text, breaks, report,
              reconciled_at, actor
         FROM payout_reconciliations WHERE business_date = $1 FOR UPDATE`,
      [businessDate],
    );
    return row;
  }

  async save(
    manager: EntityManager,
    businessDate: string,
    eventId: string,
    breaks: number,
    report: unknown,
    actor: string,
  ): Promise<void> {
    // The date's latest result, and (kept when a later result replaces it) who ran each.
    await manager.query(
      `WITH latest AS (
         INSERT INTO payout_reconciliations (business_date, event_id, breaks, report, actor)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (business_date) DO UPDATE
           SET event_id = EXCLUDED.event_id, breaks = EXCLUDED.breaks, report = EXCLUDED.report,
               reconciled_at = now(), actor = EXCLUDED.actor
       )
       INSERT INTO payout_reconciliation_runs (event_id, business_date, breaks, actor)
       VALUES ($2, $1, $3, $5)`,
      [businessDate, eventId, breaks, JSON.stringify(report), actor],
    );
  }
}
