import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per application, kept forever: what was submitted, every attribute's points, the rules
 * that fired, score, pd, model version and the decision, so any decision can be explained later.
 * Approved lines and draws are also the exposure the next decisions are checked against.
 */
export class CreateDecisions1764300000000 implements MigrationInterface {
  name = 'CreateDecisions1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE decisions (
        application_id   text PRIMARY KEY,
        customer_id      text        NOT NULL,
        kind             text        NOT NULL CHECK (kind IN ('credit-line', 'draw')),
        decision         text        NOT NULL CHECK (decision IN ('approved', 'declined', 'referred')),
        -- The UTC day of submittedAt: the window of the velocity rule.
        submitted_on     date        NOT NULL,
        currency         char(3)     NOT NULL,
        -- A credit line: the line granted (approved only). A draw: the line drawn on.
        line_id          text,
        -- The approved limit of a line or the approved amount of a draw; null unless approved.
        granted_amount   numeric     CHECK (granted_amount > 0),
        price_tier       text,
        model_version    text        NOT NULL,
        score            integer     NOT NULL,
        pd               text        NOT NULL,
        points           jsonb       NOT NULL,
        rules_fired      jsonb       NOT NULL,
        reasons          jsonb       NOT NULL,
        -- The application.submitted payload (no personal data) and the application.decided payload.
        inputs           jsonb       NOT NULL,
        outcome          jsonb       NOT NULL,
        source_event_id  uuid        NOT NULL,
        decided_event_id uuid        NOT NULL UNIQUE,
        decided_at       timestamptz NOT NULL,
        CHECK ((decision = 'approved') = (granted_amount IS NOT NULL)),
        CHECK (kind = 'draw' OR decision <> 'approved' OR line_id IS NOT NULL)
      )`);
    await queryRunner.query(
      `CREATE INDEX decisions_customer_day_idx ON decisions (customer_id, submitted_on)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX decisions_approved_line_idx ON decisions (line_id)
        WHERE kind = 'credit-line' AND decision = 'approved'`,
    );
    await queryRunner.query(
      `CREATE INDEX decisions_approved_draws_idx ON decisions (line_id)
        WHERE kind = 'draw' AND decision = 'approved'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE decisions`);
  }
}
