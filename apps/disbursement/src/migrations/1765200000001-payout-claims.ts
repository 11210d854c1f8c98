import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payouts as short transactions around the external calls: a payout is claimed (attempt record,
 * lease in next_attempt_at, the claiming instance), the ledger and the rail are called outside
 * any transaction, and the outcome is recorded if the claim is still ours. A merchant settlement
 * is recorded as `paying` before the rail is called and `paid` after, so a crash between the two
 * pays the same settlement (same id, same amount) again instead of recomputing it.
 */
export class PayoutClaims1765200000001 implements MigrationInterface {
  name = 'PayoutClaims1765200000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE disbursements ADD COLUMN claimed_by text`);
    await queryRunner.query(`
      CREATE TABLE payout_attempts (
        loan_id     text        NOT NULL REFERENCES disbursements (loan_id),
        attempt     integer     NOT NULL,
        instance    text        NOT NULL,
        started_at  timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        outcome     text CHECK (outcome IN ('succeeded', 'failed', 'pending', 'error')),
        detail      text,
        PRIMARY KEY (loan_id, attempt)
      )`);
    await queryRunner.query(`
      ALTER TABLE merchant_settlements
        ADD COLUMN status text NOT NULL DEFAULT 'paid' CHECK (status IN ('paying', 'paid'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE merchant_settlements DROP COLUMN status`);
    await queryRunner.query(`DROP TABLE payout_attempts`);
    await queryRunner.query(`ALTER TABLE disbursements DROP COLUMN claimed_by`);
  }
}
