import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The bank statements the disbursement service reconciled (payout.statement-reconciled), the
 * latest per business date: every reconciliation run checks their lines against the journal.
 */
export class PayoutStatements1766000000000 implements MigrationInterface {
  name = 'PayoutStatements1766000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE payout_statements (
        business_date date PRIMARY KEY,
        event_id      uuid        NOT NULL,
        reconciled_at timestamptz NOT NULL,
        lines         jsonb       NOT NULL,
        breaks        jsonb       NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE payout_statements`);
  }
}
