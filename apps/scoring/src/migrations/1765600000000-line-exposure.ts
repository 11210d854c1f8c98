import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The exposure of every approved credit line, the figure draws are decided against: the limit, the
 * principal paid out and not yet repaid, and the draws approved whose payout is still in flight. A
 * decision reserves a draw here (in flight) under the row's lock; the loan stream moves it on
 * (`loan.disbursed`, `disbursement.failed`, `repayment.allocated`).
 *
 * Lines approved before this table are filled from the decisions as before: every approved draw in
 * flight. The consumer group reads `loan.events` from the earliest offset the first time (the topic
 * keeps every event), so the payouts, failures and repayments already on the stream then move them.
 */
export class LineExposure1765600000000 implements MigrationInterface {
  name = 'LineExposure1765600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE line_exposure (
        line_id               text        PRIMARY KEY,
        customer_id           text        NOT NULL,
        currency              char(3)     NOT NULL,
        credit_limit          numeric     NOT NULL CHECK (credit_limit > 0),
        principal_outstanding numeric     NOT NULL DEFAULT 0 CHECK (principal_outstanding >= 0),
        draws_in_flight       numeric     NOT NULL DEFAULT 0 CHECK (draws_in_flight >= 0),
        updated_at            timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      INSERT INTO line_exposure (line_id, customer_id, currency, credit_limit, draws_in_flight)
      SELECT line.line_id, line.customer_id, line.currency, line.granted_amount,
             coalesce((SELECT sum(draw.granted_amount) FROM decisions AS draw
                        WHERE draw.line_id = line.line_id AND draw.kind = 'draw'
                          AND draw.decision = 'approved'), 0)
        FROM decisions AS line
       WHERE line.kind = 'credit-line' AND line.decision = 'approved'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE line_exposure`);
  }
}
