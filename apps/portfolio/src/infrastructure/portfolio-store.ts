import type { EntityManager } from 'typeorm';
import { type DelinquencyBucket, DelinquencyBuckets } from '@credit/lending-math';
import { Money } from '@credit/money';
import {
  type DelinquencyThreshold,
  DelinquencyThresholdNames,
  DelinquencyThresholds,
  type DelinquencyTotals,
} from '../domain/delinquency';
import type { ConcentrationCell } from '../domain/concentration';
import type { LoanSnapshot } from '../domain/loan-snapshot';
import type { VintageCounts } from '../domain/vintage';
import type { LoanState } from '../domain/position';
import type { RollRateCount } from '../domain/roll-rates';

export interface DecisionRow {
  readonly applicationId: string;
  readonly customerId: string;
  readonly kind: string;
  readonly decision: string;
  readonly modelVersion: string;
  readonly score: number | null;
  readonly scoreBand: string;
  readonly decidedAt: string;
}

/**
 * Each loan's latest snapshot on or before the date parameter, in the currency parameter: the
 * book on that date — the snapshots valid on it (as_of ≤ date < valid_until, an index range).
 * Every report is one set-based query over it, never a loop per loan.
 */
const bookOn = (date: string, currency: string) => `
  SELECT loan_id, status, days_past_due, product,
         principal_outstanding + interest_outstanding + fee_outstanding + penalty_outstanding AS outstanding
    FROM loan_snapshots
   WHERE valid_until > ${date}::date AND as_of <= ${date}::date AND currency = ${currency}`;

/** A book row's state: its delinquency bucket while active (lending-math's bounds), else its status. */
const stateOf = (row: string) =>
  `CASE WHEN ${row}.status <> 'active' THEN ${row}.status ${DelinquencyBuckets.map((b) =>
    b.maxDaysPastDue === null
      ? `ELSE '${b.bucket}'`
      : `WHEN ${row}.days_past_due <= ${b.maxDaysPastDue} THEN '${b.bucket}'`,
  ).join(' ')} END`;

/** The portfolio's read model: rows written by the event handlers, reports read set-based. */
export class PortfolioStore {
  static async recordDecision(manager: EntityManager, row: DecisionRow): Promise<void> {
    await manager.query(
      `INSERT INTO decisions (application_id, customer_id, kind, decision, model_version, score,
              score_band, decided_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (application_id) DO UPDATE
          SET decision = EXCLUDED.decision, score = EXCLUDED.score, score_band = EXCLUDED.score_band,
              model_version = EXCLUDED.model_version, decided_at = EXCLUDED.decided_at
        WHERE decisions.decided_at < EXCLUDED.decided_at`,
      [
        row.applicationId,
        row.customerId,
        row.kind,
        row.decision,
        row.modelVersion,
        row.score,
        row.scoreBand,
        row.decidedAt,
      ],
    );
  }

  static async recordOrigin(
    manager: EntityManager,
    origin: { loanId: string; applicationId: string; customerId: string; lineId: string | null },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO loan_origins (loan_id, application_id, customer_id, line_id)
       VALUES ($1, $2, $3, $4) ON CONFLICT (loan_id) DO NOTHING`,
      [origin.loanId, origin.applicationId, origin.customerId, origin.lineId],
    );
  }

  /**
   * Keeps the newest version of a loan per date: a redelivery or an older version changes nothing.
   * A new date is valid until the loan's next snapshot, and ends the validity of the one before it
   * (snapshots of one loan arrive in order on its partition; a rebuild may bring them in any order).
   */
  static async recordSnapshot(manager: EntityManager, s: LoanSnapshot): Promise<void> {
    await manager.query(
      `INSERT INTO loan_snapshots AS s (loan_id, as_of, version, customer_id, line_id, product, currency,
              principal, start_date, maturity_date, status, days_past_due, principal_outstanding,
              interest_outstanding, fee_outstanding, penalty_outstanding, first_installment_missed,
              valid_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
               COALESCE((SELECT min(n.as_of) FROM loan_snapshots n WHERE n.loan_id = $1 AND n.as_of > $2),
                        'infinity'))
       ON CONFLICT (loan_id, as_of) DO UPDATE
          SET version = EXCLUDED.version, status = EXCLUDED.status,
              days_past_due = EXCLUDED.days_past_due,
              principal_outstanding = EXCLUDED.principal_outstanding,
              interest_outstanding = EXCLUDED.interest_outstanding,
              fee_outstanding = EXCLUDED.fee_outstanding,
              penalty_outstanding = EXCLUDED.penalty_outstanding,
              first_installment_missed = EXCLUDED.first_installment_missed
        WHERE s.version < EXCLUDED.version`,
      [
        s.loanId,
        s.asOf,
        s.version,
        s.customerId,
        s.lineId,
        s.product,
        s.currency,
        s.principal,
        s.startDate,
        s.maturityDate,
        s.status,
        s.daysPastDue,
        s.outstanding.principal,
        s.outstanding.interest,
        s.outstanding.fee,
        s.outstanding.penalty,
        s.firstInstallmentMissed,
      ],
    );
    await manager.query(
      `UPDATE loan_snapshots SET valid_until = $2
        WHERE loan_id = $1 AND valid_until > $2
          AND as_of = (SELECT max(p.as_of) FROM loan_snapshots p WHERE p.loan_id = $1 AND p.as_of < $2)`,
      [s.loanId, s.asOf],
    );
  }

  /** The active book on `asOf` in `currency`, and what of it is past each threshold: one query. */
  static async delinquencyTotals(
    manager: EntityManager,
    asOf: string,
    currency: string,
  ): Promise<DelinquencyTotals> {
    const columns = DelinquencyThresholdNames.map(
      (name, index) =>
        `count(*) FILTER (WHERE days_past_due > ${DelinquencyThresholds[name]})::int AS loans_${index},
         COALESCE(sum(outstanding) FILTER (WHERE days_past_due > ${DelinquencyThresholds[name]}), 0)::text AS outstanding_${index}`,
    ).join(',\n');
    const [row] = await manager.query<Record<string, string | number>[]>(
      `WITH book AS (${bookOn('$1', '$2')})
       SELECT count(*)::int AS loans, COALESCE(sum(outstanding), 0)::text AS outstanding, ${columns}
         FROM book WHERE status = 'active'`,
      [asOf, currency],
    );
    const money = (value: string | number | undefined) => Money.of(String(value ?? '0'), currency);
    const past = Object.fromEntries(
      DelinquencyThresholdNames.map((name, index) => [
        name,
        {
          loans: Number(row?.[`loans_${index}`] ?? 0),
          outstanding: money(row?.[`outstanding_${index}`]),
        },
      ]),
    ) as Record<DelinquencyThreshold, { loans: number; outstanding: Money }>;
    return { loans: Number(row?.loans ?? 0), outstanding: money(row?.outstanding), past };
  }

  /** Loans active on `first` counted by their state then and on `second`, with their balance then. */
  static async rollRateCounts(
    manager: EntityManager,
    first: string,
    second: string,
    currency: string,
  ): Promise<RollRateCount[]> {
    const rows = await manager.query<
      { from_state: DelinquencyBucket; to_state: LoanState; loans: number; balance: string }[]
    >(
      `WITH a AS (${bookOn('$1', '$3')}), b AS (${bookOn('$2', '$3')})
       SELECT ${stateOf('a')} AS from_state, ${stateOf('b')} AS to_state,
              count(*)::int AS loans, sum(a.outstanding)::text AS balance
         FROM a JOIN b USING (loan_id)
        WHERE a.status = 'active'
        GROUP BY 1, 2`,
      [first, second, currency],
    );
    return rows.map((r) => ({
      from: r.from_state,
      to: r.to_state,
      loans: r.loans,
      balance: Money.of(r.balance, currency),
    }));
  }

  /** The active book on `asOf` counted by product and by the score band of each loan's decision. */
  static async concentrationCells(
    manager: EntityManager,
    asOf: string,
    currency: string,
  ): Promise<ConcentrationCell[]> {
    const rows = await manager.query<
      { product: string; score_band: string; loans: number; outstanding: string }[]
    >(
      `WITH book AS (${bookOn('$1', '$2')})
       SELECT b.product, COALESCE(d.score_band, 'none') AS score_band, count(*)::int AS loans,
              sum(b.outstanding)::text AS outstanding
         FROM book b
         LEFT JOIN loan_origins o ON o.loan_id = b.loan_id
         LEFT JOIN decisions d ON d.application_id = o.application_id
        WHERE b.status = 'active'
        GROUP BY 1, 2`,
      [asOf, currency],
    );
    return rows.map((r) => ({
      product: r.product,
      scoreBand: r.score_band,
      loans: r.loans,
      outstanding: Money.of(r.outstanding, currency),
    }));
  }

  /**
   * Per origination month up to the end of `asOfMonth`: the loans and their principal, those first
   * more than 30 days past due in each month, and the principal written off in each month (the
   * principal outstanding on the last snapshot before the charge-off). One query.
   */
  static async vintageCounts(
    manager: EntityManager,
    asOf: string,
    currency: string,
  ): Promise<VintageCounts> {
    const rows = await manager.query<
      { kind: string; vintage: string; month: string | null; loans: number; amount: string }[]
    >(
      `WITH snaps AS (SELECT * FROM loan_snapshots WHERE as_of <= $1 AND currency = $2),
       loans AS (
         SELECT loan_id, to_char(min(start_date), 'YYYY-MM') AS vintage, min(principal) AS principal,
                to_char(min(as_of) FILTER (WHERE days_past_due > 30), 'YYYY-MM') AS first_30,
                min(as_of) FILTER (WHERE status = 'charged-off') AS charged_off_on
           FROM snaps GROUP BY loan_id),
       written AS (
         SELECT DISTINCT ON (s.loan_id) s.loan_id, s.principal_outstanding AS amount
           FROM snaps s JOIN loans l ON l.loan_id = s.loan_id
          WHERE l.charged_off_on IS NOT NULL AND s.as_of < l.charged_off_on
          ORDER BY s.loan_id, s.as_of DESC)
       SELECT 'cohort' AS kind, vintage, NULL AS month, count(*)::int AS loans, sum(principal)::text AS amount
         FROM loans GROUP BY vintage
       UNION ALL
       SELECT 'ever30', vintage, first_30, count(*)::int, sum(principal)::text
         FROM loans WHERE first_30 IS NOT NULL GROUP BY vintage, first_30
       UNION ALL
       SELECT 'charge-off', l.vintage, to_char(l.charged_off_on, 'YYYY-MM'), count(*)::int, sum(w.amount)::text
         FROM loans l JOIN written w ON w.loan_id = l.loan_id GROUP BY 2, 3`,
      [asOf, currency],
    );
    const money = (amount: string) => Money.of(amount, currency);
    return {
      cohorts: rows
        .filter((r) => r.kind === 'cohort')
        .map((r) => ({ vintage: r.vintage, loans: r.loans, principal: money(r.amount) })),
      ever30: rows
        .filter((r) => r.kind === 'ever30')
        .map((r) => ({
          vintage: r.vintage,
          month: r.month ?? '',
          loans: r.loans,
          principal: money(r.amount),
        })),
      chargeOffs: rows
        .filter((r) => r.kind === 'charge-off')
        .map((r) => ({ vintage: r.vintage, month: r.month ?? '', amount: money(r.amount) })),
    };
  }
}
