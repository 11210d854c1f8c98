import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The daily payout reconciliation: per business date, the last statement reconciled (the id of
 * the event that announced it, its breaks and report). A run that finds the same statement and
 * breaks again publishes nothing new.
 */
export class PayoutReconciliations1766000000001 implements MigrationInterface {
  name = 'PayoutReconciliations1766000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE payout_reconciliations (
        business_date date PRIMARY KEY,
        event_id      uuid        NOT NULL,
        breaks        integer     NOT NULL CHECK (breaks >= 0),
        report        jsonb       NOT NULL,
        reconciled_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE payout_reconciliations`);
  }
}
