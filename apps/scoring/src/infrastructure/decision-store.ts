import type { EntityManager } from 'typeorm';
import type { ApplicationDecidedV1Payload, ApplicationSubmittedV1Payload } from '@credit/contracts';
import { Money } from '@credit/money';
import type { AttributePoints } from '@credit/scorecard';
import type { CustomerHistory } from '../domain/credit-request';
import type { DrawState, LineDraw, LineExposure } from '../domain/line-exposure';
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

interface LineExposureRow {
  currency: string;
  credit_limit: string | null;
  principal_outstanding: string;
  draws_in_flight: string;
}

export const DecisionColumns = `application_id, customer_id, kind, decision, to_char(submitted_on, 'YYYY-MM-DD') AS submitted_on,
  currency, line_id, granted_amount::text AS granted_amount, price_tier, model_version, score, pd, points, rules_fired,
  reasons, inputs, outcome, source_event_id, decided_event_id,
  to_char(decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS decided_at`;

/**
 * Decisions, stored once per application and read back to explain them, and the exposure of each
 * approved line that draws are decided against.
 */
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
   * The customer's history: applications decided for `day` and Σ approved line limits in
   * `currency` in one round trip, and, for a draw, the line drawn on (when `lineId` is an approved
   * line of the customer), locked until the transaction ends (see `lockLine`).
   */
  async history(
    manager: EntityManager,
    customerId: string,
    day: string,
    currency: string,
    lineId: string | null,
  ): Promise<CustomerHistory> {
    const [row] = await manager.query<
      { applications_today: number; approved_line_limits: string }[]
    >(
      `SELECT
         (SELECT count(*)::int FROM decisions WHERE customer_id = $1 AND submitted_on = $2) AS applications_today,
         (SELECT coalesce(sum(granted_amount), 0)::text FROM decisions
           WHERE customer_id = $1 AND kind = 'credit-line' AND decision = 'approved' AND currency = $3)
           AS approved_line_limits`,
      [customerId, day, currency],
    );
    if (!row) throw new Error('the history query returns one row');
    return {
      applicationsToday: row.applications_today,
      approvedLineLimits: Money.of(row.approved_line_limits, currency),
      line: lineId === null ? null : await this.lockLine(manager, customerId, lineId),
    };
  }

  /**
   * The line's exposure, its row locked until the transaction ends: a draw decided now and its
   * reservation (`reserveDraw`) commit before another decision or a loan-stream event can read the
   * line, so two draws can never both fit the same room. Null when the line is not an approved
   * line of `customerId`.
   */
  async lockLine(
    manager: EntityManager,
    customerId: string,
    lineId: string,
  ): Promise<LineExposure | null> {
    const [row] = await manager.query<LineExposureRow[]>(
      `SELECT line.currency, line.credit_limit::text AS credit_limit,
              line.principal_outstanding::text AS principal_outstanding,
              (SELECT coalesce(sum(draw.amount), 0)::text FROM line_draws AS draw
                WHERE draw.line_id = line.line_id AND draw.state = 'in-flight') AS draws_in_flight
         FROM line_exposure AS line
        WHERE line.line_id = $1 AND line.customer_id = $2 AND line.credit_limit IS NOT NULL
          FOR UPDATE OF line`,
      [lineId, customerId],
    );
    if (!row || row.credit_limit === null) return null;
    return {
      limit: Money.of(row.credit_limit, row.currency),
      principalOutstanding: Money.of(row.principal_outstanding, row.currency),
      drawsInFlight: Money.of(row.draws_in_flight, row.currency),
    };
  }

  /** An approved line's exposure as it stands (a read: nothing locked). */
  async line(
    manager: EntityManager,
    lineId: string,
  ): Promise<(LineExposure & { readonly customerId: string }) | null> {
    const [row] = await manager.query<(LineExposureRow & { customer_id: string })[]>(
      `SELECT line.customer_id, line.currency, line.credit_limit::text AS credit_limit,
              line.principal_outstanding::text AS principal_outstanding,
              (SELECT coalesce(sum(draw.amount), 0)::text FROM line_draws AS draw
                WHERE draw.line_id = line.line_id AND draw.state = 'in-flight') AS draws_in_flight
         FROM line_exposure AS line
        WHERE line.line_id = $1 AND line.credit_limit IS NOT NULL`,
      [lineId],
    );
    if (!row || row.credit_limit === null) return null;
    return {
      customerId: row.customer_id,
      limit: Money.of(row.credit_limit, row.currency),
      principalOutstanding: Money.of(row.principal_outstanding, row.currency),
      drawsInFlight: Money.of(row.draws_in_flight, row.currency),
    };
  }

  /**
   * The line a loan-stream event names, its row locked until the transaction ends; a line whose
   * approval has not been read yet is recorded without a limit (its currency from the event), so
   * what the loan stream says is kept in whatever order the two streams are read.
   */
  async lockLineForEvent(
    manager: EntityManager,
    lineId: string,
    currency: string,
  ): Promise<{ readonly currency: string; readonly principalOutstanding: Money }> {
    await manager.query(
      `INSERT INTO line_exposure (line_id, currency) VALUES ($1, $2) ON CONFLICT (line_id) DO NOTHING`,
      [lineId, currency],
    );
    const [row] = await manager.query<{ currency: string; principal_outstanding: string }[]>(
      `SELECT currency, principal_outstanding::text AS principal_outstanding
         FROM line_exposure WHERE line_id = $1 FOR UPDATE`,
      [lineId],
    );
    if (!row) throw new Error(`line ${lineId} was just recorded`);
    return {
      currency: row.currency,
      principalOutstanding: Money.of(row.principal_outstanding, row.currency),
    };
  }

  /**
   * An approved line gets its limit (once: a replayed approval changes nothing). Loans the loan
   * stream already named on it stay counted.
   */
  async openLine(
    manager: EntityManager,
    lineId: string,
    customerId: string,
    limit: Money,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO line_exposure (line_id, customer_id, currency, credit_limit)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (line_id) DO UPDATE
         SET customer_id = EXCLUDED.customer_id, credit_limit = EXCLUDED.credit_limit, updated_at = now()
         WHERE line_exposure.credit_limit IS NULL`,
      [lineId, customerId, limit.currency, limit.toString()],
    );
  }

  /**
   * An approved draw is in flight on its line until its payout succeeds or fails. Once per
   * application: a draw the loan stream already recorded keeps its state.
   */
  async reserveDraw(
    manager: EntityManager,
    lineId: string,
    applicationId: string,
    amount: Money,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO line_draws (application_id, line_id, amount, state)
       VALUES ($1, $2, $3, 'in-flight')
       ON CONFLICT (application_id) DO NOTHING`,
      [applicationId, lineId, amount.toString()],
    );
  }

  /** A draw on the line by its application or its loan (call under the line's lock). */
  async findDraw(
    manager: EntityManager,
    lineId: string,
    by: { readonly applicationId: string } | { readonly loanId: string },
    currency: string,
  ): Promise<LineDraw | undefined> {
    const [row] = await manager.query<
      { application_id: string; loan_id: string | null; amount: string; state: DrawState }[]
    >(
      `SELECT application_id, loan_id, amount::text AS amount, state FROM line_draws
        WHERE line_id = $1 AND ${'applicationId' in by ? 'application_id' : 'loan_id'} = $2`,
      [lineId, 'applicationId' in by ? by.applicationId : by.loanId],
    );
    if (!row) return undefined;
    return {
      applicationId: row.application_id,
      loanId: row.loan_id,
      amount: Money.of(row.amount, currency),
      state: row.state,
    };
  }

  /** Stores a draw as the loan stream moved it (call under the line's lock). */
  async saveDraw(manager: EntityManager, lineId: string, draw: LineDraw): Promise<void> {
    await manager.query(
      `INSERT INTO line_draws (application_id, line_id, loan_id, amount, state)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (application_id) DO UPDATE
         SET loan_id = EXCLUDED.loan_id, state = EXCLUDED.state, updated_at = now()`,
      [draw.applicationId, lineId, draw.loanId, draw.amount.toString(), draw.state],
    );
  }

  /** Writes the line's principal outstanding (call under the line's lock). */
  async saveOutstanding(manager: EntityManager, lineId: string, outstanding: Money): Promise<void> {
    await manager.query(
      `UPDATE line_exposure SET principal_outstanding = $2, updated_at = now() WHERE line_id = $1`,
      [lineId, outstanding.toString()],
    );
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
