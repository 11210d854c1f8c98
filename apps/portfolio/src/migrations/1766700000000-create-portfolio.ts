import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The portfolio's read model, fed only by events:
 * - `decisions`: every application.decided (score, band, outcome) — model monitoring;
 * - `loan_origins`: each loan.created's application, so a loan finds its decision's score band;
 * - `loan_snapshots`: each loan as of every business date its servicing was processed through
 *   (loan.state-recorded; the newest version per date wins), so "the book on date D" is, per
 *   loan, its latest snapshot on or before D — whatever order the changelog's partitions arrive in.
 */
export class CreatePortfolio1766700000000 implements MigrationInterface {
  name = 'CreatePortfolio1766700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE decisions (
        application_id text        PRIMARY KEY,
        customer_id    text        NOT NULL,
        kind           text        NOT NULL,
        decision       text        NOT NULL,
        model_version  text        NOT NULL,
        score          integer,
        score_band     text        NOT NULL,
        decided_at     timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX decisions_decided_at_idx ON decisions (decided_at)`);
    await queryRunner.query(`
      CREATE TABLE loan_origins (
        loan_id        text PRIMARY KEY,
        application_id text NOT NULL,
        customer_id    text NOT NULL,
        line_id        text
      )`);
    await queryRunner.query(`
      CREATE TABLE loan_snapshots (
        loan_id                 text    NOT NULL,
        as_of                   date    NOT NULL,
        version                 integer NOT NULL,
        customer_id             text    NOT NULL,
        line_id                 text,
        product                 text    NOT NULL,
        currency                char(3) NOT NULL,
        principal               numeric NOT NULL CHECK (principal > 0),
        start_date              date    NOT NULL,
        maturity_date           date    NOT NULL,
        status                  text    NOT NULL CHECK (status IN ('active', 'paid-off', 'charged-off')),
        days_past_due           integer NOT NULL CHECK (days_past_due >= 0),
        principal_outstanding   numeric NOT NULL CHECK (principal_outstanding >= 0),
        interest_outstanding    numeric NOT NULL CHECK (interest_outstanding >= 0),
        fee_outstanding         numeric NOT NULL CHECK (fee_outstanding >= 0),
        penalty_outstanding     numeric NOT NULL CHECK (penalty_outstanding >= 0),
        first_installment_missed boolean NOT NULL,
        PRIMARY KEY (loan_id, as_of)
      )`);
    await queryRunner.query(
      `CREATE INDEX loan_snapshots_as_of_idx ON loan_snapshots (as_of, loan_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE loan_snapshots`);
    await queryRunner.query(`DROP TABLE loan_origins`);
    await queryRunner.query(`DROP TABLE decisions`);
  }
}
