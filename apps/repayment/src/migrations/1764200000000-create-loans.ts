import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Loans and their schedules, repayments, and the close-of-business bookkeeping that makes running
 * a business date twice a no-op. Every money column is NUMERIC; amounts are at the currency scale.
 */
export class CreateLoans1764200000000 implements MigrationInterface {
  name = 'CreateLoans1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE loans (
        id                 text PRIMARY KEY,
        customer_id        text        NOT NULL,
        line_id            text,
        product            text        NOT NULL CHECK (product IN ('installment-purchase', 'cash-loan')),
        currency           char(3)     NOT NULL,
        principal          numeric     NOT NULL CHECK (principal > 0),
        terms              jsonb       NOT NULL,
        start_date         date        NOT NULL,
        apr                text        NOT NULL,
        status             text        NOT NULL CHECK (status IN ('active', 'paid-off', 'charged-off')),
        -- Running totals by component: what was charged to the borrower and what was paid.
        interest_accrued   numeric     NOT NULL DEFAULT 0 CHECK (interest_accrued >= 0),
        interest_paid      numeric     NOT NULL DEFAULT 0 CHECK (interest_paid >= 0),
        fee_charged        numeric     NOT NULL DEFAULT 0 CHECK (fee_charged >= 0),
        fee_paid           numeric     NOT NULL DEFAULT 0 CHECK (fee_paid >= 0),
        penalty_accrued    numeric     NOT NULL DEFAULT 0 CHECK (penalty_accrued >= 0),
        penalty_paid       numeric     NOT NULL DEFAULT 0 CHECK (penalty_paid >= 0),
        principal_paid     numeric     NOT NULL DEFAULT 0 CHECK (principal_paid >= 0),
        customer_credit    numeric     NOT NULL DEFAULT 0 CHECK (customer_credit >= 0),
        -- The last business date the close of business applied to this loan.
        processed_through  date        NOT NULL,
        days_past_due      integer     NOT NULL DEFAULT 0,
        delinquency_bucket text        NOT NULL DEFAULT 'current',
        disbursed_event_id uuid        NOT NULL UNIQUE,
        created_at         timestamptz NOT NULL DEFAULT now(),
        closed_on          date,
        CHECK (interest_paid <= interest_accrued),
        CHECK (fee_paid <= fee_charged),
        CHECK (penalty_paid <= penalty_accrued),
        CHECK (principal_paid <= principal)
      )`);
    await queryRunner.query(
      `CREATE INDEX loans_active_idx ON loans (processed_through) WHERE status = 'active'`,
    );
    await queryRunner.query(`CREATE INDEX loans_customer_idx ON loans (customer_id)`);

    await queryRunner.query(`
      CREATE TABLE installments (
        loan_id        text    NOT NULL REFERENCES loans (id),
        period         integer NOT NULL CHECK (period >= 1),
        due_date       date    NOT NULL,
        principal_due  numeric NOT NULL CHECK (principal_due >= 0),
        interest_due   numeric NOT NULL CHECK (interest_due >= 0),
        fee_due        numeric NOT NULL CHECK (fee_due >= 0),
        principal_paid numeric NOT NULL DEFAULT 0 CHECK (principal_paid >= 0),
        interest_paid  numeric NOT NULL DEFAULT 0 CHECK (interest_paid >= 0),
        fee_paid       numeric NOT NULL DEFAULT 0 CHECK (fee_paid >= 0),
        fee_charged    boolean NOT NULL DEFAULT false,
        paid_on        date,
        PRIMARY KEY (loan_id, period),
        CHECK (principal_paid <= principal_due),
        CHECK (interest_paid <= interest_due),
        CHECK (fee_paid <= fee_due)
      )`);

    await queryRunner.query(`
      CREATE TABLE repayments (
        id              uuid PRIMARY KEY,
        loan_id         text        NOT NULL REFERENCES loans (id),
        idempotency_key text        NOT NULL UNIQUE,
        request_hash    text        NOT NULL,
        amount          numeric     NOT NULL CHECK (amount > 0),
        currency        char(3)     NOT NULL,
        business_date   date        NOT NULL,
        allocation      jsonb       NOT NULL,
        received_at     timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX repayments_loan_idx ON repayments (loan_id, received_at)`,
    );

    // One row per business date closed: the report of what the close did.
    await queryRunner.query(`
      CREATE TABLE business_days (
        business_date date PRIMARY KEY,
        closed_at     timestamptz NOT NULL DEFAULT now(),
        report        jsonb       NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE business_days, repayments, installments, loans`);
  }
}
