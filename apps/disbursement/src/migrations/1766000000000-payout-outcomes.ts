import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A payout whose outcome is unknown is not a failed payout: a disbursement is `unconfirmed` while
 * the bank's answer is unknown (timeout, dropped connection, 5xx, pending) and the worker asks the
 * bank for its status by the payout's reference; only a definitive decline fails it. The reference
 * is kept on the payout. The simulated bank records when it paid (its statement) and the fate it
 * drew.
 */
export class PayoutOutcomes1766000000000 implements MigrationInterface {
  name = 'PayoutOutcomes1766000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE disbursements DROP CONSTRAINT disbursements_state_check,
         ADD CONSTRAINT disbursements_state_check
           CHECK (state IN ('created', 'paying', 'unconfirmed', 'disbursed', 'failed')),
         ADD COLUMN payout_reference text`,
    );
    await queryRunner.query(
      `UPDATE disbursements SET payout_reference = 'payout:' || loan_id
        WHERE product = 'cash-loan' AND state <> 'created'`,
    );
    await queryRunner.query(`DROP INDEX disbursements_paying_idx`);
    await queryRunner.query(
      `CREATE INDEX disbursements_due_idx ON disbursements (next_attempt_at)
        WHERE state IN ('paying', 'unconfirmed')`,
    );
    await queryRunner.query(
      `ALTER TABLE payout_attempts DROP CONSTRAINT payout_attempts_outcome_check,
         ADD CONSTRAINT payout_attempts_outcome_check
           CHECK (outcome IN ('succeeded', 'failed', 'pending', 'error', 'unknown'))`,
    );
    await queryRunner.query(
      `ALTER TABLE rail_payouts ADD COLUMN paid_at timestamptz, ADD COLUMN fate text`,
    );
    await queryRunner.query(
      `UPDATE rail_payouts SET paid_at = coalesce(confirm_at, created_at) WHERE outcome = 'succeeded'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE rail_payouts DROP COLUMN paid_at, DROP COLUMN fate`);
    await queryRunner.query(
      `ALTER TABLE payout_attempts DROP CONSTRAINT payout_attempts_outcome_check,
         ADD CONSTRAINT payout_attempts_outcome_check
           CHECK (outcome IN ('succeeded', 'failed', 'pending', 'error'))`,
    );
    await queryRunner.query(`DROP INDEX disbursements_due_idx`);
    await queryRunner.query(
      `CREATE INDEX disbursements_paying_idx ON disbursements (next_attempt_at) WHERE state = 'paying'`,
    );
    await queryRunner.query(
      `ALTER TABLE disbursements DROP COLUMN payout_reference, DROP CONSTRAINT disbursements_state_check,
         ADD CONSTRAINT disbursements_state_check
           CHECK (state IN ('created', 'paying', 'disbursed', 'failed'))`,
    );
  }
}
