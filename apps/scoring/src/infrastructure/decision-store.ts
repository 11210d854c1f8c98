import type { EntityManager } from 'typeorm';
import type { ApplicationDecidedV1Payload, ApplicationSubmittedV1Payload } from '@credit/contracts';
import { Money } from '@credit/money';
import type { AttributePoints } from '@credit/scorecard';
import type { CustomerHistory } from '../domain/credit-request';
import type { Reason } from '../domain/decide';
import type { RuleHit } from '../domain/rules';

export interface DecisionRow {
  application_id: string;
  customer_id: string;
  kind: 'credit-line' | 'draw';
  decision: 'approved' | 'declined' | 'referred';
  submitted_on: string;
  currency: string;
  line_id: string | null;
  granted_amount: string | null;
  price_tier: string | null;
  model_version: string;
  score: number;
  pd: string;
  points: AttributePoints[];
  rules_fired: RuleHit[];
  reasons: Reason[];
  inputs: ApplicationSubmittedV1Payload;
  outcome: ApplicationDecidedV1Payload;
  source_event_id: string;
  decided_event_id: string;
  decided_at: string;
}

export interface NewDecisionRow {
  applicationId: string;
  customerId: string;
  kind: 'credit-line' | 'draw';
  decision: 'approved' | 'declined' | 'referred';
  submittedOn: string;
  currency: string;
  lineId: string | null;
  grantedAmount: Money | null;
  priceTier: string | null;
  modelVersion: string;
  score: number;
  pd: string;
  points: readonly AttributePoints[];
  rulesFired: readonly RuleHit[];
  reasons: readonly Reason[];
  inputs: ApplicationSubmittedV1Payload;
  outcome: ApplicationDecidedV1Payload;
  sourceEventId: string;
  decidedEventId: string;
  decidedAt: string;
}

export const DecisionColumns = `application_id, customer_id, kind, decision, to_char(submitted_on, 'YYYY-MM-DD') AS submitted_on,
  currency, line_id, granted_amount::text AS granted_amount, price_tier, model_version, score, pd, points, rules_fired,
  reasons, inputs, outcome, source_event_id, decided_event_id,
  to_char(decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS decided_at`;

/** Decisions: stored once per application, read back to explain them and to check exposure. */
export class DecisionStore {
  /**
   * Serialises the decisions of one customer until the transaction ends, so velocity and exposure
   * are checked against every decision committed before this one.
   */
  async lockCustomer(manager: EntityManager, customerId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `scoring:customer:${customerId}`,
    ]);
  }

  async exists(manager: EntityManager, applicationId: string): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `SELECT 1 FROM decisions WHERE application_id = $1`,
      [applicationId],
    );
    return rows.length > 0;
  }

  async find(manager: EntityManager, applicationId: string): Promise<DecisionRow | undefined> {
    const [row] = await manager.query<DecisionRow[]>(
      `SELECT ${DecisionColumns} FROM decisions WHERE application_id = $1`,
      [applicationId],
    );
    return row;
  }

  /**
   * The customer's history in one round trip: applications decided for `day`, Σ approved line
   * limits in `currency`, and the line drawn on (when `lineId` is an approved line of the customer).
   */
  async history(
    manager: EntityManager,
    customerId: string,
    day: string,
    currency: string,
    lineId: string | null,
  ): Promise<CustomerHistory> {
    const [row] = await manager.query<
      {
        applications_today: number;
        approved_line_limits: string;
        line_limit: string | null;
        line_currency: string | null;
        line_drawn: string;
      }[]
    >(
      `SELECT
         (SELECT count(*)::int FROM decisions WHERE customer_id = $1 AND submitted_on = $2) AS applications_today,
         (SELECT coalesce(sum(granted_amount), 0)::text FROM decisions
           WHERE customer_id = $1 AND kind = 'credit-line' AND decision = 'approved' AND currency = $3)
           AS approved_line_limits,
         line.granted_amount::text AS line_limit,
         line.currency AS line_currency,
         (SELECT coalesce(sum(granted_amount), 0)::text FROM decisions
           WHERE line_id = $4 AND kind = 'draw' AND decision = 'approved') AS line_drawn
       FROM (SELECT 1) AS one
       LEFT JOIN decisions AS line
         ON line.line_id = $4 AND line.kind = 'credit-line' AND line.decision = 'approved'
        AND line.customer_id = $1`,
      [customerId, day, currency, lineId],
    );
    if (!row) throw new Error('the history query returns one row');
    const line =
      row.line_limit !== null && row.line_currency !== null
        ? {
            limit: Money.of(row.line_limit, row.line_currency),
            drawn: Money.of(row.line_drawn, row.line_currency),
          }
        : null;
    return {
      applicationsToday: row.applications_today,
      approvedLineLimits: Money.of(row.approved_line_limits, currency),
      line,
    };
  }

  /** Inserts the decision; false when the application already has one (nothing written). */
  async insert(manager: EntityManager, d: NewDecisionRow): Promise<boolean> {
    const inserted = await manager.query<unknown[]>(
      `INSERT INTO decisions (application_id, customer_id, kind, decision, submitted_on, currency, line_id,
                              granted_amount, price_tier, model_version, score, pd, points, rules_fired, reasons,
                              inputs, outcome, source_event_id, decided_event_id, decided_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
       ON CONFLICT (application_id) DO NOTHING
       RETURNING application_id`,
      [
        d.applicationId,
        d.customerId,
        d.kind,
        d.decision,
        d.submittedOn,
        d.currency,
        d.lineId,
        d.grantedAmount?.toString() ?? null,
        d.priceTier,
        d.modelVersion,
        d.score,
        d.pd,
        JSON.stringify(d.points),
        JSON.stringify(d.rulesFired),
        JSON.stringify(d.reasons),
        JSON.stringify(d.inputs),
        JSON.stringify(d.outcome),
        d.sourceEventId,
        d.decidedEventId,
        d.decidedAt,
      ],
    );
    return inserted.length > 0;
  }
}
