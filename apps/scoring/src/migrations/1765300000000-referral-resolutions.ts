import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How each referred application was resolved by an operator, kept forever: the audit record (who,
 * when, approve or decline, the limit and tier granted or the reason code) and the caller's
 * idempotency key, written in the same transaction as the decision it changes and the
 * application.decided it publishes. One resolution per application.
 */
export class ReferralResolutions1765300000000 implements MigrationInterface {
  name = 'ReferralResolutions1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE referral_resolutions (
        application_id    text        PRIMARY KEY REFERENCES decisions (application_id),
        idempotency_key   text        NOT NULL UNIQUE,
        request_hash      text        NOT NULL,
        resolution        text        NOT NULL CHECK (resolution IN ('approved', 'declined')),
        operator          text        NOT NULL,
        -- The API key the request came with (role and key fingerprint, e.g. operator:3f2a9c01b7de).
        api_actor         text        NOT NULL,
        reason_code       text,
        note              text,
        granted_amount    numeric     CHECK (granted_amount > 0),
        price_tier        text,
        -- The referral as it was decided by the model, and what the resolution published.
        referred_event_id uuid        NOT NULL,
        referred_at       timestamptz NOT NULL,
        decided_event_id  uuid        NOT NULL UNIQUE,
        resolved_at       timestamptz NOT NULL,
        CHECK ((resolution = 'declined') = (reason_code IS NOT NULL)),
        CHECK ((resolution = 'approved') = (price_tier IS NOT NULL))
      )`);
    await queryRunner.query(
      `CREATE INDEX decisions_referred_idx ON decisions (decided_at, application_id) WHERE decision = 'referred'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX decisions_referred_idx`);
    await queryRunner.query(`DROP TABLE referral_resolutions`);
  }
}
