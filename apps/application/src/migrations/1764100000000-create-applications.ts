import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Applications and the credit lines approved from them. Personal data (name, national ID, phone)
 * is stored only as AES-256-GCM ciphertext, `v1:<keyId>:<iv>:<ciphertext>:<tag>` (see
 * personal-data/pii-cipher.ts); the key id in each value lets keys rotate. Money is NUMERIC.
 */
export class CreateApplications1764100000000 implements MigrationInterface {
  name = 'CreateApplications1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE applications (
        id                     uuid PRIMARY KEY,
        idempotency_key        text        NOT NULL UNIQUE,
        -- HMAC-SHA256 (keyed with the customer id pepper) of the canonical request
        request_hash           text        NOT NULL,
        customer_id            text        NOT NULL,
        kind                   text        NOT NULL CHECK (kind IN ('credit-line', 'draw')),
        status                 text        NOT NULL DEFAULT 'submitted'
                               CHECK (status IN ('submitted', 'approved', 'declined', 'referred')),
        name_encrypted         text        NOT NULL CHECK (name_encrypted LIKE 'v1:%'),
        national_id_encrypted  text        NOT NULL CHECK (national_id_encrypted LIKE 'v1:%'),
        phone_encrypted        text        NOT NULL CHECK (phone_encrypted LIKE 'v1:%'),
        age                    integer     NOT NULL CHECK (age BETWEEN 0 AND 130),
        currency               char(3)     NOT NULL,
        monthly_income         numeric     NOT NULL CHECK (monthly_income >= 0),
        monthly_debt_payments  numeric     NOT NULL CHECK (monthly_debt_payments >= 0),
        profile                jsonb       NOT NULL,
        -- credit line: the limit asked for
        requested_limit        numeric     CHECK (requested_limit > 0),
        -- draw: the line drawn on and what is asked for
        line_id                text,
        draw_product           text        CHECK (draw_product IN ('installment-purchase', 'cash-loan')),
        draw_amount            numeric     CHECK (draw_amount > 0),
        draw_periods           integer     CHECK (draw_periods BETWEEN 1 AND 12),
        merchant_id            text,
        fee_payer              text        CHECK (fee_payer IN ('buyer', 'merchant')),
        -- the decision (application.decided)
        decision_event_id      uuid,
        model_version          text,
        score                  integer,
        pd                     text,
        reasons                jsonb,
        rules_fired            jsonb,
        -- approved credit line: the line granted, its limit and price tier
        granted_line_id        text,
        granted_limit          numeric     CHECK (granted_limit > 0),
        price_tier             text,
        -- approved draw: the price and the plan fee the merchant pays
        pricing                jsonb,
        merchant_fee           numeric     CHECK (merchant_fee >= 0),
        submitted_at           timestamptz NOT NULL DEFAULT now(),
        decided_at             timestamptz,
        CHECK ((kind = 'credit-line') = (requested_limit IS NOT NULL)),
        CHECK ((kind = 'draw') = (line_id IS NOT NULL AND draw_product IS NOT NULL
                                  AND draw_amount IS NOT NULL AND draw_periods IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE INDEX applications_customer_idx ON applications (customer_id)`);
    await queryRunner.query(
      `CREATE INDEX applications_line_idx ON applications (line_id) WHERE line_id IS NOT NULL`,
    );

    await queryRunner.query(`
      CREATE TABLE credit_lines (
        id              text PRIMARY KEY,
        customer_id     text        NOT NULL,
        application_id  uuid        NOT NULL UNIQUE REFERENCES applications (id),
        currency        char(3)     NOT NULL,
        credit_limit    numeric     NOT NULL CHECK (credit_limit > 0),
        price_tier      text        NOT NULL,
        status          text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
        opened_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX credit_lines_customer_idx ON credit_lines (customer_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE credit_lines, applications`);
  }
}
