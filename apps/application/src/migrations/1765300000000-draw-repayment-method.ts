import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A cash-loan draw names its repayment method (daily-interest, equal-installment,
 * equal-principal). Cash-loan draws stored before it existed were daily-interest.
 */
export class DrawRepaymentMethod1765300000000 implements MigrationInterface {
  name = 'DrawRepaymentMethod1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE applications ADD COLUMN draw_repayment_method text
         CHECK (draw_repayment_method IN ('daily-interest', 'equal-installment', 'equal-principal'))`,
    );
    await queryRunner.query(
      `UPDATE applications SET draw_repayment_method = 'daily-interest' WHERE draw_product = 'cash-loan'`,
    );
    await queryRunner.query(
      `ALTER TABLE applications ADD CONSTRAINT applications_draw_repayment_method_cash_loan
         CHECK ((draw_product = 'cash-loan') = (draw_repayment_method IS NOT NULL))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE applications DROP COLUMN draw_repayment_method`);
  }
}
