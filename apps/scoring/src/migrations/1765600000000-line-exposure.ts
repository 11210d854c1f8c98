import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What draws are decided against, per approved credit line: its limit and the principal paid out
 * and not yet repaid (`line_exposure`), and each draw approved on it with where its payout stands
 * (`line_draws`: in flight, disbursed or failed). A decision locks the line's row, reads
 * limit − principal outstanding − Σ draws in flight, and records an approved draw in flight before
 * it commits; the loan stream moves the rest (`loan.created`, `loan.disbursed`,
 * `disbursement.failed`, `repayment.allocated`), each under the same row lock.
 *
 * Lines and draws approved before these tables are filled from the decisions: every approved draw
 * in flight, nothing outstanding. The consumer group reads `loan.events` from the earliest offset
 * the first time (the topic keeps every event), so the loans, payouts, failures and repayments
 * already on the stream then bring them up to date.
 */
export class LineExposure1765600000000 implements MigrationInterface {
  name = 'LineExposure1765600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE line_exposure (
        line_id               text        PRIMARY KEY,
        -- Null until the line's approval is read: the loan stream may name a line first (a rebuild
        -- reading loan.events ahead of application.events); nothing can be drawn on it until then.
        customer_id           text,
        currency              char(3)     NOT NULL,
        credit_limit          numeric     CHECK (credit_limit > 0),
        principal_outstanding numeric     NOT NULL DEFAULT 0 CHECK (principal_outstanding >= 0),
        updated_at            timestamptz NOT NULL DEFAULT now(),
        CHECK ((customer_id IS NULL) = (credit_limit IS NULL))
      )`);
    await queryRunner.query(`
      CREATE TABLE line_draws (
        application_id text        PRIMARY KEY,
        line_id        text        NOT NULL REFERENCES line_exposure (line_id),
        -- Named by the loan stream (loan.created); null until then.
        loan_id        text        UNIQUE,
        amount         numeric     NOT NULL CHECK (amount > 0),
        state          text        NOT NULL CHECK (state IN ('in-flight', 'disbursed', 'failed')),
        updated_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX line_draws_in_flight_idx ON line_draws (line_id) WHERE state = 'in-flight'`,
    );
    await queryRunner.query(`
      INSERT INTO line_exposure (line_id, customer_id, currency, credit_limit)
      SELECT line_id, customer_id, currency, granted_amount
        FROM decisions
       WHERE kind = 'credit-line' AND decision = 'approved'`);
    await queryRunner.query(`
      INSERT INTO line_draws (application_id, line_id, amount, state)
      SELECT draw.application_id, draw.line_id, draw.granted_amount, 'in-flight'
        FROM decisions AS draw
        JOIN line_exposure AS line ON line.line_id = draw.line_id
       WHERE draw.kind = 'draw' AND draw.decision = 'approved'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE line_draws`);
    await queryRunner.query(`DROP TABLE line_exposure`);
  }
}
