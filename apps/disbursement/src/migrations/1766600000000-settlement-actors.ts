import type { MigrationInterface, QueryRunner } from 'typeorm';
import { addActorColumn } from '@credit/platform';

/**
 * Who ran each operator write of the disbursement service (issue 15's audit trail): on a merchant
 * settlement, who opened it (`opened_by`) and who paid it (`paid_by`, set with status `paid`); on a
 * payout reconciliation, who reconciled the date last (`actor`), and, since a date's result is
 * replaced when the statement or the breaks change, every recorded result with who ran it
 * (`payout_reconciliation_runs`). An operator's actor is
 * `role:holder:credentialId`, the daily tasks' `system:disbursement`. Rows written before this
 * migration record `unknown`; every new row names its actor (addActorColumn).
 */
export class SettlementActors1766600000000 implements MigrationInterface {
  name = 'SettlementActors1766600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await addActorColumn(queryRunner, 'merchant_settlements', 'opened_by');
    await addActorColumn(queryRunner, 'payout_reconciliations', 'actor');
    await queryRunner.query(`ALTER TABLE merchant_settlements ADD COLUMN paid_by text`);
    await queryRunner.query(
      `UPDATE merchant_settlements SET paid_by = 'unknown' WHERE status = 'paid' AND paid_by IS NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE merchant_settlements ADD CONSTRAINT merchant_settlements_paid_by_present
         CHECK ((status = 'paid') = (paid_by IS NOT NULL))`,
    );
    await queryRunner.query(`
      CREATE TABLE payout_reconciliation_runs (
        id            bigserial PRIMARY KEY,
        event_id      uuid        NOT NULL,
        business_date date        NOT NULL,
        breaks        integer     NOT NULL CHECK (breaks >= 0),
        actor         text        NOT NULL,
        reconciled_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `INSERT INTO payout_reconciliation_runs (event_id, business_date, breaks, actor, reconciled_at)
       SELECT event_id, business_date, breaks, actor, reconciled_at FROM payout_reconciliations
        ORDER BY reconciled_at`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE merchant_settlements DROP CONSTRAINT merchant_settlements_paid_by_present,
         DROP COLUMN paid_by, DROP COLUMN opened_by`,
    );
    await queryRunner.query(`DROP TABLE payout_reconciliation_runs`);
    await queryRunner.query(`ALTER TABLE payout_reconciliations DROP COLUMN actor`);
  }
}
