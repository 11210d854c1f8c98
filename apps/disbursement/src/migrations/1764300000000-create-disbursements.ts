import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Disbursements with their state history, the simulated bank's payouts, merchant settlements. */
export class CreateDisbursements1764300000000 implements MigrationInterface {
  name = 'CreateDisbursements1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE disbursements (
        loan_id          text PRIMARY KEY,
        application_id   text        NOT NULL UNIQUE,
        customer_id      text        NOT NULL,
        line_id          text,
        product          text        NOT NULL CHECK (product IN ('installment-purchase', 'cash-loan')),
        currency         char(3)     NOT NULL,
        principal        numeric     NOT NULL CHECK (principal > 0),
        merchant_id      text,
        merchant_fee     numeric     CHECK (merchant_fee >= 0),
        pricing          jsonb       NOT NULL,
        state            text        NOT NULL CHECK (state IN ('created', 'paying', 'disbursed', 'failed')),
        attempts         integer     NOT NULL DEFAULT 0,
        next_attempt_at  timestamptz NOT NULL DEFAULT now(),
        last_error       text,
        start_date       date,
        created_at       timestamptz NOT NULL DEFAULT now(),
        disbursed_at     timestamptz,
        settlement_id    text
      )`);
    await queryRunner.query(
      `CREATE INDEX disbursements_paying_idx ON disbursements (next_attempt_at) WHERE state = 'paying'`,
    );
    await queryRunner.query(
      `CREATE INDEX disbursements_unsettled_idx ON disbursements (merchant_id) WHERE product = 'installment-purchase' AND state = 'disbursed' AND settlement_id IS NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE disbursement_history (
        loan_id  text        NOT NULL REFERENCES disbursements (loan_id),
        seq      serial,
        state    text        NOT NULL,
        detail   text,
        at       timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (loan_id, seq)
      )`);
    // The simulated bank: a payout id is its idempotency key, so a retried payout never pays twice.
    await queryRunner.query(`
      CREATE TABLE rail_payouts (
        payout_id    text PRIMARY KEY,
        payee        text        NOT NULL,
        amount       numeric     NOT NULL CHECK (amount > 0),
        currency     char(3)     NOT NULL,
        outcome      text        NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'pending')),
        confirm_at   timestamptz,
        requests     integer     NOT NULL DEFAULT 1,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE merchant_settlements (
        settlement_id text PRIMARY KEY,
        merchant_id   text        NOT NULL,
        business_date date        NOT NULL,
        amount        numeric     NOT NULL CHECK (amount > 0),
        currency      char(3)     NOT NULL,
        loans         integer     NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        UNIQUE (merchant_id, business_date, currency)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP TABLE merchant_settlements, rail_payouts, disbursement_history, disbursements`,
    );
  }
}
